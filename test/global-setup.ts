import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The CLI tests run the real `bin/parity.js`, which runs the bundle: build it first. */
export default function setup(): void {
  const root = join(import.meta.dirname, "..");
  execFileSync(process.execPath, [join(root, "scripts/build.js")], { cwd: root, stdio: "inherit" });
}
