import { spawn } from "node:child_process";

/** Runs a tool to its end; rejects with the command and the last line it printed on failure. */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new Error(`${command} is not installed`) : error),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else {
        const lines = `${err}\n${out}`.trim().split("\n").filter(Boolean);
        const last = lines.filter((l) => /error|fail/i.test(l)).at(-1) ?? lines.at(-1);
        reject(new Error(`${command} ${args.join(" ")}: ${last ?? `exit code ${code}`}`));
      }
    });
  });
}
