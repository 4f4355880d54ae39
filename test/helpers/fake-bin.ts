import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FakeBin {
  /** The folder: put it first on PATH (or use it as PATH alone). */
  path: string;
  /** Where each call is recorded, one `name args…` a line. */
  log: string;
  /** The same folder, for what a fake keeps between calls (`$STATE` in its body). */
  state: string;
  calls: () => string[];
}

/**
 * A folder of fake executables for tools that cannot run here (docker, k3d, kind, kubectl of a
 * real cluster): each records `name args…` (builtins only, so PATH can be this folder alone), then
 * runs its shell body, which finds the folder in `$STATE`.
 */
export function fakeBin(tools: Record<string, string>): FakeBin {
  const dir = mkdtempSync(join(tmpdir(), "parity-bin-"));
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  for (const [name, body] of Object.entries(tools)) {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!/bin/sh\nSTATE=${JSON.stringify(dir)}\nprintf '%s\\n' "\${0##*/} $*" >> ${JSON.stringify(log)}\n${body}\n`,
    );
    chmodSync(file, 0o755);
  }
  return {
    path: dir,
    log,
    state: dir,
    calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}
