import { closure } from "../graph/dag.js";
import type { Plan, Resource } from "../plan/types.js";
import type { Reporter } from "./events.js";
import { applyEvent, SATISFIED, type LifecycleEvent, type Phase } from "./lifecycle.js";
import { ParityError } from "../errors.js";
import { ResourceFailed } from "./errors.js";

/** What a target does for the orchestrator: bring one resource to ready (a job: to exit 0). */
export interface ResourceRunner {
  /** Resolves when ready (dependency, app) or exited 0 (job); rejects with ResourceFailed. */
  run(resource: Resource, signal: AbortSignal): Promise<void>;
}

export interface WalkOptions {
  /** Resources already ready from an earlier `up`: nothing to start for them. */
  reuse: ReadonlySet<string>;
  runner: ResourceRunner;
  report: Reporter;
  signal: AbortSignal;
  now: () => number;
}

export interface WalkResult {
  phases: Map<string, Phase>;
  failures: ResourceFailed[];
}

/**
 * Brings `targets` and everything they need up in dependency order: a resource starts as soon as
 * all its prerequisites are ready, so independent resources run in parallel. After the first
 * failure nothing new starts; what depends on the failure is skipped, never started.
 */
export async function walk(
  plan: Plan,
  targets: readonly string[],
  options: WalkOptions,
): Promise<WalkResult> {
  const needed = closure(plan.deps, targets);
  const resources = plan.resources.filter((r) => needed.has(r.name));
  const phases = new Map<string, Phase>(resources.map((r) => [r.name, "waiting"]));
  const failures: ResourceFailed[] = [];
  const started = options.now();
  const inFlight = new Map<string, Promise<void>>();

  const move = (
    resource: Resource,
    event: LifecycleEvent,
    extra: { logTail?: string[]; detail?: string } = {},
  ) => {
    const phase = applyEvent(phases.get(resource.name)!, event);
    phases.set(resource.name, phase);
    options.report({
      resource: resource.name,
      sort: resource.sort,
      phase,
      event,
      at: options.now() - started,
      ...extra,
    });
  };

  for (const r of resources)
    if (options.reuse.has(r.name)) move(r, { type: "ready", reused: true });

  const startable = () =>
    failures.length || options.signal.aborted
      ? []
      : resources.filter(
          (r) =>
            phases.get(r.name) === "waiting" &&
            (plan.deps.get(r.name) ?? []).every((d) => SATISFIED.has(phases.get(d) ?? "waiting")),
        );

  const launch = (resource: Resource) => {
    move(resource, { type: "start" });
    const running = options.runner.run(resource, options.signal).then(
      () => move(resource, resource.sort === "job" ? { type: "exit", code: 0 } : { type: "ready" }),
      (error: unknown) => {
        const failure =
          error instanceof ResourceFailed
            ? error
            : new ResourceFailed(
                resource.name,
                // parity's own errors (a refused apply, say) read as they are; others keep their type.
                error instanceof ParityError ? error.message : String(error),
                { cause: error },
              );
        failures.push(failure);
        move(
          resource,
          { type: "fail", reason: failure.message },
          { logTail: failure.logTail, detail: failure.message },
        );
      },
    );
    inFlight.set(
      resource.name,
      running.finally(() => inFlight.delete(resource.name)),
    );
  };

  for (;;) {
    for (const resource of startable()) launch(resource);
    if (!inFlight.size) break;
    await Promise.race(inFlight.values());
  }

  for (const r of resources) {
    if (phases.get(r.name) !== "waiting") continue;
    const blocker = options.signal.aborted
      ? "interrupted"
      : `not started: ${failures.map((f) => f.resource).join(", ")} failed`;
    move(r, { type: "skip", reason: blocker }, { detail: blocker });
  }
  return { phases, failures };
}
