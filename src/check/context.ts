import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { decode } from "./decode.js";
import type { Discovered } from "./discover.js";
import { MAX_FILE_BYTES } from "./scan.js";
import { SourceFile } from "./source.js";
import type { ScanContext } from "./types.js";

/**
 * The context of one run over `files` below `root`. Both facts are computed on a rule's first
 * question and kept for the run, so a run whose rules never ask costs nothing.
 */
export function scanContext(root: string, files: readonly Discovered[]): ScanContext {
  let tracked: ReadonlySet<string> | null | undefined;
  let sources: SourceFile[] | undefined;
  return {
    tracked: (path) => {
      if (tracked === undefined) tracked = gitTrackedFiles(root);
      return tracked === null || tracked.has(path);
    },
    files: () => (sources ??= files.flatMap((file) => read(file) ?? [])),
    read: (path) => {
      const full = join(root, path);
      try {
        // Below the root only, and never through a link that leads out of it.
        const inside = relative(root, realpathSync(full));
        if (inside.startsWith("..") || isAbsolute(inside)) return undefined;
      } catch {
        return undefined;
      }
      return read({ path: full, relative: path, type: "manifest" })?.text;
    },
  };
}

/**
 * The files git tracks below `root` (relative to it, `/`-separated, submodules included), or
 * null when `root` is not in a git work tree or git cannot say (not installed, unsafe owner).
 */
export function gitTrackedFiles(root: string): ReadonlySet<string> | null {
  try {
    // In a subdirectory, ls-files lists only what lies below it, relative to it: our paths.
    const out = execFileSync("git", ["ls-files", "-z", "--recurse-submodules"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 1 << 28,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
    return new Set(out.split("\0").filter(Boolean));
  } catch {
    return null;
  }
}

/** A discovered file as the scanner reads it; undefined when the scanner would skip it. */
function read(file: Discovered): SourceFile | undefined {
  try {
    if (statSync(file.path).size > MAX_FILE_BYTES) return undefined;
    const decoded = decode(readFileSync(file.path));
    return "skip" in decoded ? undefined : new SourceFile(file.relative, file.type, decoded.text);
  } catch {
    return undefined;
  }
}
