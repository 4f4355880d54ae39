import type { Plan } from "../plan/types.js";
import { renderClusterConfigs } from "./cluster-configs.js";
import type { RenderedFile, RenderLayout } from "./files.js";
import { manifestFiles, renderManifests } from "./manifests.js";
import { renderTiltfile } from "./tiltfile.js";
import { renderTiltignore } from "./tiltignore.js";

export const DEFAULT_LAYOUT: RenderLayout = { root: ".", secretsFile: ".parity/secrets.yaml" };

/** Every file `parity render` writes: pure, deterministic, no I/O. */
export function renderAll(plan: Plan, layout: RenderLayout = DEFAULT_LAYOUT): RenderedFile[] {
  const manifests = manifestFiles(plan, layout);
  return [
    { path: "Tiltfile", content: renderTiltfile(plan, manifests, layout) },
    { path: ".tiltignore", content: renderTiltignore(plan, layout) },
    ...renderManifests(manifests),
    ...renderClusterConfigs(plan),
  ];
}

export type { RenderedFile, RenderLayout } from "./files.js";
