import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { RenderedFile } from "../render/index.js";
import { GENERATED } from "../render/files.js";

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/**
 * Writes rendered files under `outDir`. A file whose content is already there is left alone, so
 * Tilt sees no change; sensitive files are created 0600. Generated files from an earlier render
 * that this one no longer produces (a removed service) are deleted; hand-written ones never are.
 */
export function writeRendered(
  outDir: string,
  files: readonly RenderedFile[],
  sweepDirs: readonly string[],
): WriteResult {
  const result: WriteResult = { written: [], unchanged: [], removed: [] };
  for (const file of files) {
    const path = join(outDir, file.path);
    if (existsSync(path) && readFileSync(path, "utf8") === file.content) {
      result.unchanged.push(file.path);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content, file.sensitive ? { mode: 0o600 } : {});
    if (file.sensitive) chmodSync(path, 0o600);
    result.written.push(file.path);
  }
  const produced = new Set(files.map((f) => f.path));
  for (const dir of sweepDirs) {
    const abs = join(outDir, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs)) {
      const rel = `${dir}/${entry}`;
      if (!entry.endsWith(".yaml") || produced.has(rel)) continue;
      if (readFileSync(join(abs, entry), "utf8").startsWith(`# ${GENERATED}`)) {
        rmSync(join(abs, entry));
        result.removed.push(rel);
      }
    }
  }
  return result;
}

/** Files whose content on disk differs from the render (for `render --check`). */
export function staleFiles(outDir: string, files: readonly RenderedFile[]): string[] {
  return files
    .filter((f) => !f.sensitive)
    .filter((f) => {
      const path = join(outDir, f.path);
      return !existsSync(path) || readFileSync(path, "utf8") !== f.content;
    })
    .map((f) => f.path);
}
