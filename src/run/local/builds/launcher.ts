import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A shell launcher in `<root>/bin`, finding the build's root from its own path so the build can move. */
export function writeLauncher(root: string, name: string, body: string): void {
  mkdirSync(join(root, "bin"), { recursive: true });
  const path = join(root, "bin", name);
  writeFileSync(
    path,
    `#!/bin/sh\n# written by parity when it fetched this build\nhere=$(cd "$(dirname "$0")/.." && pwd)\n${body}\n`,
  );
  chmodSync(path, 0o755);
}
