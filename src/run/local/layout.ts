import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where the local target keeps a stack's state: all under `.parity/` (git-ignored), like a PVC. */
export interface LocalLayout {
  root: string;
  state: string;
  lock: string;
  data(name: string): string;
  log(name: string): string;
  run(name: string): string;
  /** Unix socket paths are limited to ~100 bytes, so sockets live under a short private tmp path. */
  sockets(name: string): string;
}

export function localLayout(projectDir: string): LocalLayout {
  const root = join(projectDir, ".parity");
  const id = createHash("sha256").update(projectDir).digest("hex").slice(0, 10);
  return {
    root,
    state: join(root, "state.json"),
    lock: join(root, "lock"),
    data: (name) => join(root, "data", name),
    log: (name) => join(root, "logs", `${name}.log`),
    run: (name) => join(root, "run", name),
    sockets: (name) => join(tmpdir(), `parity-${id}`, name),
  };
}
