import type { Resource } from "../../plan/types.js";
import { APPLIED_ANNOTATION, digestOf, displayName } from "./apply.js";
import { loadStack } from "./inventory.js";
import { verdictOf, WORKLOAD_KINDS } from "./readiness.js";
import type { ClusterSession } from "./session.js";

export interface ClusterResourceStatus {
  name: string;
  sort: Resource["sort"];
  /** ready; starting (rolling out); exited (a Job that completed); failed; not started. */
  state: "ready" | "starting" | "exited" | "failed" | "not started";
  /** Why it is not ready, when it is not. */
  detail?: string;
  /** The live objects differ from what the spec renders now: the next `up` applies them. */
  outdated: boolean;
  /** The workload images running, e.g. postgres:18.1. */
  images: string[];
}

function imagesOf(object: { spec?: Record<string, unknown> }): string[] {
  const template = (object.spec?.template ?? {}) as {
    spec?: { containers?: Array<{ image?: string }> };
  };
  return (template.spec?.containers ?? []).map((c) => c.image ?? "?");
}

/** What each resource of the stack is doing in the cluster, read from the API server. */
export async function clusterStatus(
  session: ClusterSession,
  projectDir: string,
): Promise<ClusterResourceStatus[]> {
  const { objects, live } = await loadStack(session, projectDir);
  return session.plan.resources.map((r) => {
    const mine = objects.get(r.name) ?? [];
    const found = mine.map((o) => ({ o, live: live.get(displayName(o)) }));
    const base = {
      name: r.name,
      sort: r.sort,
      outdated: found.some(
        (f) => f.live && f.live.metadata.annotations?.[APPLIED_ANNOTATION] !== digestOf(f.o),
      ),
      images: found.flatMap((f) => (f.live ? imagesOf(f.live) : [])),
    };
    const workloads = found.filter((f) => WORKLOAD_KINDS.has(f.o.kind));
    if (!workloads.length || workloads.some((w) => !w.live))
      return { ...base, state: "not started" as const };
    for (const w of workloads) {
      const verdict = verdictOf(w.live!);
      if (verdict.state === "failed")
        return { ...base, state: "failed" as const, detail: verdict.reason };
      if (verdict.state === "waiting")
        return { ...base, state: "starting" as const, detail: verdict.reason };
    }
    return { ...base, state: r.sort === "job" ? ("exited" as const) : ("ready" as const) };
  });
}
