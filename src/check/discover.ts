import { existsSync, readdirSync } from "node:fs";
import { join, sep } from "node:path";
import { classify } from "./classify.js";
import type { Glob } from "./glob.js";
import type { FileType, Note } from "./types.js";

/** Directories that hold other people's code or parity's own state: never scanned. */
// tilt_modules: Tilt extensions fetched by `load('ext://…')`, with their own test fixtures.
export const SKIPPED_DIRECTORIES = new Set([
  "node_modules",
  ".git",
  "vendor",
  ".parity",
  "tilt_modules",
]);

export interface Discovered {
  /** Absolute path. */
  path: string;
  /** Relative to the root, `/`-separated. */
  relative: string;
  type: FileType;
}

/**
 * The files below `root` that some rule reads, in a stable order. Symbolic links are never
 * followed: a link inside the tree points at something the walk reaches anyway, a link out of
 * it must not be read, and a link cycle cannot loop a walk that does not follow links.
 */
export function discover(
  root: string,
  ignore: readonly Glob[],
): { files: Discovered[]; notes: Note[] } {
  const files: Discovered[] = [];
  const notes: Note[] = [];
  const chartDirs = new Map<string, boolean>();
  const isChartDir = (dir: string) => {
    let known = chartDirs.get(dir);
    if (known === undefined)
      chartDirs.set(dir, (known = existsSync(join(root, dir, "Chart.yaml"))));
    return known;
  };
  const ignored = (relative: string, dir: boolean) => ignore.some((g) => g.matches(relative, dir));
  const prefix = root.endsWith(sep) ? root : root + sep;

  const pending = [""];
  while (pending.length) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (error) {
      notes.push({
        file: dir || ".",
        message: `skipped: cannot read the directory (${code(error)})`,
      });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const entry of entries) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !ignored(relative, true))
          pending.push(relative);
      } else if (entry.isFile() && !ignored(relative, false)) {
        const type = classify(relative, isChartDir);
        // The root is absolute and normal, `relative` too: no need for join's normalizing.
        if (type) files.push({ path: prefix + relative, relative, type });
      }
    }
  }
  files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { files, notes };
}

export function code(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}
