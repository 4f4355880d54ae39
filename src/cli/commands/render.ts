import { join, relative, resolve } from "node:path";
import { ensureGitignored } from "../../plan/gitignore.js";
import { DEV_MANIFEST_DIR, MANIFEST_DIR } from "../../render/files.js";
import { renderAll } from "../../render/index.js";
import { ParityError } from "../../errors.js";
import { openProject, requireExternalValues } from "../project.js";
import { staleFiles, writeRendered } from "../write.js";
import type { Output } from "../output.js";

export interface RenderOptions {
  file: string;
  out?: string;
  check?: boolean;
}

/** `parity render`: manifests, Tiltfile, .tiltignore and cluster configs from the spec. */
export function renderCommand(options: RenderOptions, output: Output): number {
  const project = openProject(options.file);
  requireExternalValues(project.plan);
  const outDir = resolve(options.out ?? project.dir);
  const posix = (p: string) => p.split("\\").join("/") || ".";
  const layout = {
    root: posix(relative(outDir, project.dir)),
    secretsFile: posix(relative(outDir, join(project.dir, ".parity", "secrets.yaml"))),
  };
  const files = renderAll(project.plan, layout);

  if (options.check) {
    const stale = staleFiles(outDir, files);
    if (stale.length) {
      throw new ParityError(
        `out of date with ${relative(process.cwd(), project.specPath)}: ${stale.join(", ")}\nrun \`parity render\``,
      );
    }
    output.info("rendered files are up to date");
    return 0;
  }

  project.secrets.save();
  ensureGitignored(project.dir);
  const result = writeRendered(outDir, files, [MANIFEST_DIR, DEV_MANIFEST_DIR]);
  const where = posix(relative(process.cwd(), outDir));
  for (const path of result.written) output.info(`  wrote    ${path}`);
  for (const path of result.removed) output.info(`  removed  ${path}`);
  output.info(
    `rendered ${files.length} files into ${where} (${result.written.length} written, ${result.unchanged.length} unchanged)`,
  );
  return 0;
}
