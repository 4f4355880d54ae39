import { checkExternal } from "../../catalog/external/check.js";
import type { ExternalResource, Resource } from "../../plan/types.js";
import { APPLIED_ANNOTATION, digestOf, displayName } from "./apply.js";
import { releaseObjects } from "./chart.js";
import { loadStack, releaseWorkloads } from "./inventory.js";
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
  // A chart's release is helm's, without parity's labels: its objects come from helm, one by one.
  for (const r of session.plan.resources) {
    if (r.sort !== "service" || !r.chart) continue;
    const released =
      (await releaseObjects(r.name, session.plan.namespace, projectDir, session.helm)) ?? [];
    const workloads = await releaseWorkloads(
      session.client,
      session.discovery,
      session.plan.namespace,
      released,
    );
    objects.set(
      r.name,
      workloads.map((w) => w.object),
    );
    for (const w of workloads) if (w.live) live.set(displayName(w.object), w.live);
  }
  const externals = new Map(
    await Promise.all(
      session.plan.resources
        .filter((r): r is ExternalResource => r.sort === "external")
        .map(async (r) => [r.name, await externalState(r)] as const),
    ),
  );
  return session.plan.resources.map((r) => {
    const external = externals.get(r.name);
    if (external) return { name: r.name, sort: r.sort, outdated: false, images: [], ...external };
    const mine = objects.get(r.name) ?? [];
    const found = mine.map((o) => ({ o, live: live.get(displayName(o)) }));
    const base = {
      name: r.name,
      sort: r.sort,
      // helm, not parity, applied a chart's objects: they carry no digest of parity's.
      outdated:
        !(r.sort === "service" && r.chart) &&
        found.some(
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

/** An external service in the cluster's status: ready when its check answers from here. */
async function externalState(
  service: ExternalResource,
): Promise<Pick<ClusterResourceStatus, "state" | "detail">> {
  if (!service.check) return { state: "ready", detail: "external" };
  try {
    await checkExternal(service.values[service.check] ?? "");
    return { state: "ready" };
  } catch (error) {
    return { state: "failed", detail: `${service.check}: ${(error as Error).message}` };
  }
}
