import { closure } from "../graph/dag.js";
import type { Plan, Resource } from "../plan/types.js";

export interface Selection {
  /** Everything the targets need. */
  needed: Resource[];
  /** Already ready from an earlier `up`, or jobs whose work still stands: not started again. */
  reuse: Set<string>;
}

/**
 * What an `up` starts. Services and apps that already run and answer are kept. A job runs again
 * when it is named, never succeeded, or something next to it starts: a prerequisite (a database
 * that was reset must be migrated again) or a dependent (an app about to start gets fresh
 * migrations). So `up` on a running, healthy stack starts nothing.
 */
export function selectResources(
  plan: Plan,
  targets: readonly string[],
  named: ReadonlySet<string>,
  isReady: ReadonlySet<string>,
  jobSucceeded: ReadonlySet<string>,
): Selection {
  const neededNames = closure(plan.deps, targets);
  const needed = plan.resources.filter((r) => neededNames.has(r.name));
  const starts = new Set<string>();
  for (const r of needed) {
    if (r.sort === "job" ? named.has(r.name) || !jobSucceeded.has(r.name) : !isReady.has(r.name))
      starts.add(r.name);
  }
  const dependents = (name: string) =>
    needed.filter((r) => (plan.deps.get(r.name) ?? []).includes(name));
  for (let changed = true; changed;) {
    changed = false;
    for (const job of needed.filter((r) => r.sort === "job" && !starts.has(r.name))) {
      const touched =
        (plan.deps.get(job.name) ?? []).some((d) => starts.has(d)) ||
        dependents(job.name).some((d) => starts.has(d.name));
      if (touched) {
        starts.add(job.name);
        changed = true;
      }
    }
  }
  return { needed, reuse: new Set(needed.filter((r) => !starts.has(r.name)).map((r) => r.name)) };
}
