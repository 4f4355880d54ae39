import type { Plan, Resource } from "../../plan/types.js";
import type { K8sObject } from "../../render/k8s/object.js";
import type { Reporter } from "../events.js";
import { walk, type WalkResult } from "../orchestrator.js";
import { selectResources } from "../selection.js";
import { Applier, digestOf, displayName, APPLIED_ANNOTATION } from "./apply.js";
import { connect, type ClusterSession } from "./session.js";
import type { ClusterSelection } from "./kubeconfig.js";
import { prepareImages } from "./app-images.js";
import { loadStack, releaseWorkloads } from "./inventory.js";
import { verdictOf, type LiveObject } from "./readiness.js";
import { helmInstall, releaseObjects } from "./chart.js";
import { ClusterTarget } from "./target.js";

export interface ClusterUpOptions extends ClusterSelection {
  projectDir: string;
  plan: Plan;
  names: readonly string[];
  report: Reporter;
  signal: AbortSignal;
  onApplied?: (object: string, outcome: string) => void;
  /** Image builds and loads, and other steps before the walk. */
  info?: (message: string) => void;
}

export interface ClusterUpResult extends WalkResult {
  session: ClusterSession;
  started: Resource[];
}

function unchanged(object: K8sObject, live: LiveObject | undefined): boolean {
  return live?.metadata.annotations?.[APPLIED_ANNOTATION] === digestOf(object);
}

/**
 * `parity up --target cluster`: the stack's objects applied to the cluster in dependency order,
 * each resource waited for before what needs it starts. A stack that is already up and unchanged
 * is only read: nothing is written.
 */
export async function upCluster(options: ClusterUpOptions): Promise<ClusterUpResult> {
  const session = await connect(options, options.plan);
  const { plan } = session;
  const { objects, setup, live } = await loadStack(session, options.projectDir);
  const info = options.info ?? (() => {});
  await prepareImages(
    plan,
    options.projectDir,
    objects,
    session.client.cluster,
    (step) => info(`${step.message}${step.argv ? `: ${step.argv.join(" ")}` : ""}`),
    (message) => info(`warning: ${message}`),
    options.signal,
  );
  const applier = new Applier(session.client, session.discovery, plan.namespace, plan.stack, live);
  for (const object of setup) {
    const { outcome } = await applier.apply(object);
    options.onApplied?.(displayName(object), outcome);
  }

  const ready = new Set<string>();
  const succeeded = new Set<string>();
  for (const r of plan.resources) {
    const mine = objects.get(r.name) ?? [];
    const current = mine.every((o) => {
      const found = live.get(displayName(o));
      return unchanged(o, found) && verdictOf(found!).state === "ready";
    });
    if (!current || !mine.length) continue;
    (r.sort === "job" ? succeeded : ready).add(r.name);
  }
  // A chart's release counts as up when helm has it and its workloads are ready; a change to its
  // chart, values or set is applied by naming it (`parity up --target cluster <name>`).
  for (const r of plan.resources) {
    if (r.sort !== "service" || !r.chart || options.names.includes(r.name)) continue;
    const released = await releaseObjects(r.name, plan.namespace, options.projectDir, session.helm);
    const workloads = await releaseWorkloads(
      session.client,
      session.discovery,
      plan.namespace,
      released ?? [],
    );
    if (workloads.length && workloads.every((w) => w.live && verdictOf(w.live).state === "ready"))
      ready.add(r.name);
  }
  const targets = options.names.length ? options.names : plan.resources.map((r) => r.name);
  const selection = selectResources(plan, targets, new Set(options.names), ready, succeeded);
  const target = new ClusterTarget({
    client: session.client,
    discovery: session.discovery,
    plan,
    objects,
    applier,
    installChart: (service) =>
      helmInstall(service.chart!, service.name, plan.namespace, options.projectDir, session.helm),
    ...(options.onApplied ? { onApplied: options.onApplied } : {}),
  });
  const result = await walk(plan, targets, {
    reuse: selection.reuse,
    runner: target,
    report: options.report,
    signal: options.signal,
    now: () => Date.now(),
  });
  return {
    ...result,
    session,
    started: selection.needed.filter((r) => !selection.reuse.has(r.name)),
  };
}
