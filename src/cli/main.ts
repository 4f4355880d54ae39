import { Command, CommanderError } from "commander";
import { ParityError } from "../errors.js";
import { consoleOutput, type Output } from "./output.js";

/**
 * The parity command line. Each command imports its module only when it runs, so that
 * `parity --help` and light commands start fast. Returns the exit code.
 */
export async function main(
  argv: readonly string[],
  output: Output = consoleOutput,
): Promise<number> {
  let code = 0;
  const program = new Command("parity")
    .description("Production-parity development dependencies from one parity.yaml")
    .version("0.1.0")
    .option("-f, --file <path>", "the spec", "parity.yaml")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => output.print(s.trimEnd()),
      writeErr: (s) => output.error(s.trimEnd()),
    });

  const file = () => program.opts<{ file: string }>().file;

  program
    .command("render")
    .description("write Kubernetes manifests, Tiltfile, .tiltignore and k3d/kind configs")
    .option("-o, --out <dir>", "output directory (default: the directory of parity.yaml)")
    .option("--check", "change nothing; exit 1 when the rendered files are out of date")
    .action(async (opts: { out?: string; check?: boolean }) => {
      const { renderCommand } = await import("./commands/render.js");
      code = renderCommand({ file: file(), ...opts }, output);
    });

  program
    .command("graph")
    .description("print the resource graph")
    .option("--format <format>", "mermaid or dot", "mermaid")
    .action(async (opts: { format: string }) => {
      const { graphCommand } = await import("./commands/graph.js");
      code = graphCommand({ file: file(), format: opts.format }, output);
    });

  program
    .command("schema")
    .description("print the JSON Schema of parity.yaml (for editors)")
    .action(async () => {
      const { schemaCommand } = await import("./commands/schema.js");
      code = schemaCommand(output);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    return report(error, output);
  }
}

/** The one place errors become messages and exit codes; no stack trace unless PARITY_DEBUG is set. */
function report(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // help and --version end through here with exit code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ParityError) {
    output.error(error.message);
    return error.exitCode;
  }
  output.error(
    `parity: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  );
  if (process.env.PARITY_DEBUG) output.error(error instanceof Error ? (error.stack ?? "") : "");
  else output.error("(set PARITY_DEBUG=1 for details, and please report it)");
  return 1;
}
