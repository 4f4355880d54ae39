import { displayName } from "./apply.js";
import { loadStack } from "./inventory.js";
import { WORKLOAD_KINDS, type LiveObject } from "./readiness.js";
import type { ClusterSession } from "./session.js";

/** The label selector of a workload's pods: its own selector, a Job's controller uid. */
export function podSelector(workload: LiveObject): string {
  if (workload.kind === "Job") return `batch.kubernetes.io/controller-uid=${workload.metadata.uid}`;
  const match = (workload.spec?.selector as { matchLabels?: Record<string, string> } | undefined)
    ?.matchLabels;
  return Object.entries(match ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export interface ResourcePod {
  resource: string;
  pod: LiveObject;
  containers: string[];
}

/** The pods each named resource runs now, found through its live workloads. */
export async function resourcePods(
  session: ClusterSession,
  projectDir: string,
  names: readonly string[],
): Promise<ResourcePod[]> {
  const { objects, live } = await loadStack(session, projectDir);
  const path = await session.discovery.collection("v1", "Pod", session.plan.namespace);
  const out: ResourcePod[] = [];
  for (const name of names) {
    for (const object of objects.get(name) ?? []) {
      const workload = live.get(displayName(object));
      if (!workload || !WORKLOAD_KINDS.has(object.kind)) continue;
      const list = await session.client.request<{ items: LiveObject[] }>(path, {
        query: { labelSelector: podSelector(workload) },
      });
      for (const pod of list.items) {
        const spec = pod.spec as { containers?: Array<{ name: string }> } | undefined;
        out.push({ resource: name, pod, containers: (spec?.containers ?? []).map((c) => c.name) });
      }
    }
  }
  return out;
}
