/**
 * When a workload is ready, judged as `kubectl rollout status` judges it, and when waiting is
 * hopeless. Pure functions of the objects the API server returns.
 */

export type Verdict =
  { state: "ready" } | { state: "waiting"; reason: string } | { state: "failed"; reason: string };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface LiveObject {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
    deletionTimestamp?: string;
    managedFields?: Array<{ manager?: string; operation?: string }>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const num = (v: unknown) => (typeof v === "number" ? v : 0);
const conditions = (o: LiveObject) => (o.status?.conditions ?? []) as Condition[];
const condition = (o: LiveObject, type: string) => conditions(o).find((c) => c.type === type);

function observed(o: LiveObject): boolean {
  return num(o.status?.observedGeneration) >= num(o.metadata.generation);
}

export function deploymentVerdict(d: LiveObject): Verdict {
  if (!observed(d)) return { state: "waiting", reason: "waiting for the rollout to be observed" };
  const progressing = condition(d, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    return { state: "failed", reason: `rollout exceeded its progress deadline` };
  const want = num(d.spec?.replicas ?? 1);
  const updated = num(d.status?.updatedReplicas);
  const total = num(d.status?.replicas);
  const available = num(d.status?.availableReplicas);
  if (updated < want) return { state: "waiting", reason: `${updated} of ${want} updated` };
  if (total > updated)
    return { state: "waiting", reason: `${total - updated} old replicas pending termination` };
  if (available < updated)
    return { state: "waiting", reason: `${available} of ${updated} available` };
  return { state: "ready" };
}

export function statefulSetVerdict(s: LiveObject): Verdict {
  if (!observed(s)) return { state: "waiting", reason: "waiting for the rollout to be observed" };
  const strategy = (s.spec?.updateStrategy ?? {}) as {
    type?: string;
    rollingUpdate?: { partition?: number };
  };
  const want = num(s.spec?.replicas ?? 1);
  const ready = num(s.status?.readyReplicas);
  if (ready < want) return { state: "waiting", reason: `${ready} of ${want} ready` };
  if (strategy.type === "OnDelete") return { state: "ready" };
  const partition = num(strategy.rollingUpdate?.partition);
  if (partition > 0) {
    const updated = num(s.status?.updatedReplicas);
    return updated < want - partition
      ? { state: "waiting", reason: `${updated} of ${want - partition} updated` }
      : { state: "ready" };
  }
  if (s.status?.updateRevision !== s.status?.currentRevision)
    return { state: "waiting", reason: `${num(s.status?.updatedReplicas)} of ${want} updated` };
  return { state: "ready" };
}

export function jobVerdict(j: LiveObject): Verdict {
  const failed = condition(j, "Failed") ?? condition(j, "FailureTarget");
  if (failed?.status === "True")
    return {
      state: "failed",
      reason: `job failed: ${failed.reason ?? ""}${failed.message ? `: ${failed.message}` : ""}`,
    };
  if (condition(j, "Complete")?.status === "True") return { state: "ready" };
  return {
    state: "waiting",
    reason: `${num(j.status?.active)} running, ${num(j.status?.failed)} failed`,
  };
}

export function daemonSetVerdict(d: LiveObject): Verdict {
  if (!observed(d)) return { state: "waiting", reason: "waiting for the rollout to be observed" };
  const want = num(d.status?.desiredNumberScheduled);
  const updated = num(d.status?.updatedNumberScheduled);
  const available = num(d.status?.numberAvailable);
  if (updated < want) return { state: "waiting", reason: `${updated} of ${want} updated` };
  if (available < want) return { state: "waiting", reason: `${available} of ${want} available` };
  return { state: "ready" };
}

/** The verdict for any object: kinds with no rollout are ready once they exist. */
export function verdictOf(o: LiveObject): Verdict {
  switch (o.kind) {
    case "Deployment":
      return deploymentVerdict(o);
    case "StatefulSet":
      return statefulSetVerdict(o);
    case "DaemonSet":
      return daemonSetVerdict(o);
    case "Job":
      return jobVerdict(o);
    default:
      return { state: "ready" };
  }
}

/** Kinds whose readiness parity waits for. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
]);

/** Container states from which a pod does not recover by waiting. */
const HOPELESS = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

/** Why a pod will not become ready without a change, or undefined while it may. */
export function podProblem(pod: LiveObject): string | undefined {
  const statuses = [
    ...((pod.status?.initContainerStatuses ?? []) as ContainerStatus[]),
    ...((pod.status?.containerStatuses ?? []) as ContainerStatus[]),
  ];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && HOPELESS.has(waiting.reason)) {
      const last = s.lastState?.terminated;
      const exit = last
        ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ""})`
        : "";
      return `pod ${pod.metadata.name}: container ${s.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}${exit}`;
    }
  }
  // An unschedulable pod is not hopeless: a volume may be on its way, a node may join.
  return undefined;
}
