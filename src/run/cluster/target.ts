import type { Plan, Resource, ServiceResource } from "../../plan/types.js";
import type { K8sObject } from "../../render/k8s/object.js";
import { awaitExternal } from "../external.js";
import { ResourceFailed } from "../errors.js";
import type { ResourceRunner } from "../orchestrator.js";
import type { Applier } from "./apply.js";
import { displayName } from "./apply.js";
import type { KubeClient } from "./client.js";
import type { Discovery } from "./discovery.js";
import { podLogTail } from "./logs.js";
import { podSelector } from "./pods.js";
import {
  podProblem,
  verdictOf,
  WORKLOAD_KINDS,
  type LiveObject,
  type Verdict,
} from "./readiness.js";
import { releaseWorkloads } from "./inventory.js";
import { CollectionWatch } from "./watch.js";

/** How long a resource may take to become ready: images are pulled on a real cluster. */
const READY_TIMEOUT_MS = { service: 300_000, app: 300_000 };

export interface ClusterTargetOptions {
  client: KubeClient;
  discovery: Discovery;
  plan: Plan;
  objects: ReadonlyMap<string, K8sObject[]>;
  applier: Applier;
  /** Installs a service's third-party chart; the objects of its release. */
  installChart: (service: ServiceResource) => Promise<K8sObject[]>;
  /** Each applied object, for the caller's report. */
  onApplied?: (object: string, outcome: string) => void;
}

/**
 * The cluster target: a resource's objects applied with server-side apply, then waited for as
 * `kubectl rollout status` and Job conditions judge them. Jobs are deleted and created again, so
 * they run anew. A pod that cannot become ready (CrashLoopBackOff, ImagePullBackOff) or a Job
 * that failed ends the wait at once, with the tail of the pod's log.
 */
export class ClusterTarget implements ResourceRunner {
  constructor(private readonly options: ClusterTargetOptions) {}

  async run(resource: Resource, signal: AbortSignal): Promise<void> {
    // Its Secret went in with the setup objects; nothing of it runs in the cluster.
    if (resource.sort === "external") return awaitExternal(resource, signal);
    if (resource.sort === "service" && resource.chart) return this.runChart(resource, signal);
    const objects = this.options.objects.get(resource.name) ?? [];
    if (resource.sort === "job") await this.deleteJobs(objects);
    for (const object of objects) await this.options.applier.lookup(object);
    const applied: LiveObject[] = [];
    for (const object of objects) {
      const { outcome, live } = await this.options.applier.apply(object);
      this.options.onApplied?.(displayName(object), outcome);
      applied.push(live);
    }
    const timeout =
      resource.sort === "job" ? (resource.timeout + 60) * 1000 : READY_TIMEOUT_MS[resource.sort];
    await Promise.all(
      applied
        .filter((o) => WORKLOAD_KINDS.has(o.kind ?? ""))
        .map((o) => this.waitReady(resource.name, o, timeout, signal)),
    );
  }

  /**
   * A service from a third-party chart: helm installs the release, then every workload in it is
   * waited for as parity's own are (rollout status, failing at once on a pod that cannot start).
   */
  private async runChart(service: ServiceResource, signal: AbortSignal): Promise<void> {
    const released = await this.options.installChart(service);
    this.options.onApplied?.(`helm release ${service.name}`, "installed");
    const { client, discovery, plan } = this.options;
    const workloads = await releaseWorkloads(client, discovery, plan.namespace, released);
    await Promise.all(
      workloads.flatMap((w) =>
        w.live ? [this.waitReady(service.name, w.live, READY_TIMEOUT_MS.service, signal)] : [],
      ),
    );
  }

  /** Deletes this stack's Job of the same name, pods too, so the next apply runs it anew. */
  private async deleteJobs(objects: readonly K8sObject[]): Promise<void> {
    for (const job of objects.filter((o) => o.kind === "Job"))
      await this.options.applier.delete(job);
  }

  /** Waits until the workload is ready, failing at once when it or one of its pods cannot be. */
  waitReady(
    resource: string,
    workload: LiveObject,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { client, discovery, plan } = this.options;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    return new Promise<void>((resolve, reject) => {
      let last: Verdict = { state: "waiting", reason: "not observed yet" };
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        stop.abort();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () =>
          finish(
            new ResourceFailed(
              resource,
              `${displayName(workload)} not ready after ${Math.round(timeoutMs / 1000)} s: ${"reason" in last ? last.reason : ""}`,
            ),
          ),
        timeoutMs,
      );
      const failWithPod = async (reason: string, pod: LiveObject | undefined) => {
        const tail = pod ? await podLogTail(client, pod) : [];
        finish(new ResourceFailed(resource, reason, { logTail: tail }));
      };
      let workloads: CollectionWatch;
      let pods: CollectionWatch;
      const evaluate = () => {
        if (settled) return;
        const live = workloads.items.get(workload.metadata.name);
        if (live && live.metadata.uid === workload.metadata.uid) last = verdictOf(live);
        if (last.state === "ready") return finish();
        const mine = [...pods.items.values()];
        if (last.state === "failed") {
          const failedPod = mine.find((p) => p.status?.phase === "Failed") ?? mine[0];
          void failWithPod(`${displayName(workload)}: ${last.reason}`, failedPod);
          return;
        }
        for (const pod of mine) {
          const problem = podProblem(pod);
          if (problem) return void failWithPod(problem, pod);
        }
      };
      void (async () => {
        const base = await discovery.collection("v1", "Pod", plan.namespace);
        const own = await discovery.collection(
          workload.kind === "Job" ? "batch/v1" : "apps/v1",
          workload.kind!,
          plan.namespace,
        );
        workloads = new CollectionWatch(client, own, workload.kind!, {
          fieldSelector: `metadata.name=${workload.metadata.name}`,
        });
        pods = new CollectionWatch(client, base, "Pod", {
          labelSelector: podSelector(workload),
        });
        await Promise.all([workloads.run(evaluate, stop.signal), pods.run(evaluate, stop.signal)]);
      })().catch((error: unknown) =>
        finish(error instanceof Error ? error : new Error(String(error))),
      );
      if (signal.aborted) finish(new ResourceFailed(resource, "interrupted"));
    });
  }
}
