import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Adds `.parity/` to the project's .gitignore unless it is already ignored there. */
export function ensureGitignored(projectDir: string, entry = ".parity/"): boolean {
  const path = join(projectDir, ".gitignore");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const bare = entry.replace(/^\/|\/$/g, "");
  const covered = current
    .split("\n")
    .map((l) => l.trim().replace(/^\/|\/$/g, ""))
    .some((l) => l === bare || l === `${bare}/*`);
  if (covered) return false;
  const prefix = current && !current.endsWith("\n") ? "\n" : "";
  writeFileSync(path, `${current}${prefix}# parity: generated secrets, data and logs\n${entry}\n`);
  return true;
}
