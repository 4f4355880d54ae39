import { existsSync, readFileSync } from "node:fs";
import { UsageError } from "../../errors.js";
import { localLayout } from "../../run/local/layout.js";
import { didYouMean } from "../../spec/suggest.js";
import { followLogs } from "../follow.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

/** `parity logs [RESOURCE…] [-f]`: the logs in `.parity/logs/`, each line prefixed by its resource. */
export async function logsCommand(
  options: { file: string; names: string[]; follow?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const known = plan.resources.map((r) => r.name);
  for (const name of options.names) {
    if (!known.includes(name))
      throw new UsageError(`no resource "${name}"${didYouMean(name, known)}`);
  }
  const layout = localLayout(dir);
  const files = (options.names.length ? options.names : known)
    .map((name) => ({ name, path: layout.log(name) }))
    .filter((f) => options.follow || existsSync(f.path));
  if (!options.follow) {
    const width = Math.max(0, ...files.map((f) => f.name.length));
    for (const f of files) {
      for (const line of readFileSync(f.path, "utf8").split("\n").filter(Boolean))
        output.print(`${f.name.padEnd(width)} | ${line}`);
    }
    return 0;
  }
  const stop = followLogs(files, (line) => output.print(line), { from: "start" });
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  stop();
  return 0;
}
