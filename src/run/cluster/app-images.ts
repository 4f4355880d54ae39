import type { AppResource, Plan } from "../../plan/types.js";
import type { K8sObject } from "../../render/k8s/object.js";
import {
  clusterKindOf,
  detectEngine,
  ensureImage,
  resolveBuild,
  type ImageStep,
} from "./images.js";

/** The images an `up` builds: each built app's image once (a worker may share it). */
function builds(plan: Plan) {
  const out = new Map<string, AppResource>();
  for (const r of plan.resources)
    if (r.sort === "app" && r.image.build && !out.has(r.image.image)) out.set(r.image.image, r);
  return out;
}

/** Whether a container's image names `image` (with or without a tag), as Tilt matches builds. */
function names(reference: unknown, image: string): boolean {
  return (
    typeof reference === "string" && (reference === image || reference.startsWith(`${image}:`))
  );
}

/** Every container image of an object replaced where it names a built image. */
function retag(value: unknown, refs: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => retag(v, refs));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const built = k === "image" ? [...refs].find(([image]) => names(v, image)) : undefined;
    out[k] = built ? built[1] : retag(v, refs);
  }
  return out;
}

/**
 * Builds the apps' images and puts them where the cluster finds them (k3d and kind load them,
 * any other cluster pulls them from PARITY_REGISTRY), tagged by content so a warm `up` builds
 * nothing, and points the objects at those tags. Without a container engine nothing is built: the
 * objects keep the spec's image, which the cluster must already have, and `warn` says so.
 */
export async function prepareImages(
  plan: Plan,
  projectDir: string,
  objects: Map<string, K8sObject[]>,
  cluster: { context: string; server: string },
  report: (step: ImageStep) => void,
  warn: (message: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const wanted = builds(plan);
  if (!wanted.size) return;
  const engine = detectEngine();
  if (!engine) {
    warn(
      `no container engine answers (docker, nerdctl or podman): ${[...wanted.keys()].join(", ")} not built; the cluster must already have ${wanted.size > 1 ? "them" : "it"}`,
    );
    return;
  }
  const refs = new Map<string, string>();
  for (const [image, app] of wanted) {
    const { ref } = await ensureImage({
      image,
      build: resolveBuild(projectDir, app.image.build!),
      cluster: clusterKindOf(cluster.context, cluster.server),
      engine,
      report,
      signal,
    });
    refs.set(image, ref);
  }
  for (const [name, list] of objects)
    objects.set(
      name,
      list.map((o) => retag(o, refs) as K8sObject),
    );
}
