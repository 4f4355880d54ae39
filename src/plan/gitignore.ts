import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Makes sure git ignores `.parity/` (secrets, data, logs). Inside a git work tree git itself is
 * asked, so a rule in a parent .gitignore counts; otherwise the project's .gitignore is read.
 * Adds the entry to the project's .gitignore when needed; returns whether it did.
 */
export function ensureGitignored(projectDir: string, entry = ".parity/"): boolean {
  const git = spawnSync("git", ["check-ignore", "-q", entry], { cwd: projectDir });
  if (git.status === 0) return false;
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
