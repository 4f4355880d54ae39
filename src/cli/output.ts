/** Where commands print: injectable so that tests capture it. */
export interface Output {
  /** The command's result, on stdout. */
  print(text: string): void;
  /** Progress and summaries, on stderr, so stdout stays pipeable. */
  info(text: string): void;
  error(text: string): void;
}

export const consoleOutput: Output = {
  print: (text) => process.stdout.write(text + "\n"),
  info: (text) => process.stderr.write(text + "\n"),
  error: (text) => process.stderr.write(text + "\n"),
};
