import { kindOf } from "../../catalog/index.js";
import type { Plan, ServiceResource } from "../../plan/types.js";
import type { LocalLayout } from "./layout.js";
import type { Clock } from "./poll.js";
import { portHolder } from "./ports.js";
import { identityOf } from "./proc.js";
import { serviceContext } from "./service-context.js";
import type { StateFile } from "./state.js";
import { stopGroup } from "./stop.js";

export interface StopOutcome {
  name: string;
  how: "stopped" | "killed" | "gone";
}

/**
 * Stops everything the state file knows of, dependents before what they depend on (apps, then
 * jobs, then services; each group in parallel), and cleans up after services (RabbitMQ's epmd).
 * Works from the state file alone, so it also stops what a crashed or killed parity left.
 */
export async function stopAll(
  plan: Plan,
  layout: LocalLayout,
  state: StateFile,
  clock: Clock,
  only?: ReadonlySet<string>,
): Promise<StopOutcome[]> {
  const records = Object.fromEntries(
    Object.entries(state.read().resources).filter(([name]) => !only || only.has(name)),
  );
  const levelOf = new Map(
    plan.levels.flatMap((names, level) => names.map((n) => [n, level] as const)),
  );
  // Names no longer in the spec first, then the deepest level first.
  const order = Object.keys(records).sort(
    (a, b) => (levelOf.get(b) ?? Infinity) - (levelOf.get(a) ?? Infinity),
  );
  const groups = new Map<number, string[]>();
  for (const name of order) {
    const level = levelOf.get(name) ?? Infinity;
    groups.set(level, [...(groups.get(level) ?? []), name]);
  }

  const outcomes: StopOutcome[] = [];
  for (const names of groups.values()) {
    const stopped = await Promise.all(
      names.map(async (name): Promise<StopOutcome> => {
        const record = records[name]!;
        const service = plan.resources.find(
          (r): r is ServiceResource => r.sort === "service" && r.name === name,
        );
        const recipe = service ? kindOf(service.kind).local : undefined;
        const how = record.process
          ? await stopGroup(record.process, recipe?.stopSignal ?? "SIGTERM", clock)
          : "gone";
        if (service) await stopStrays(service, plan, layout, clock);
        state.update((s) => void delete s.resources[name]);
        return { name, how };
      }),
    );
    outcomes.push(...stopped);
  }
  return outcomes;
}

/** Stops what a service left outside its process group (RabbitMQ's epmd), found by its port. */
export async function stopStrays(
  service: ServiceResource,
  plan: Plan,
  layout: LocalLayout,
  clock: Clock,
): Promise<void> {
  const recipe = kindOf(service.kind).local;
  for (const stray of recipe.strays(serviceContext(service, plan.stack, layout))) {
    const holder = portHolder(stray.port);
    if (!holder || !stray.command.test(holder.command)) continue;
    const identity = identityOf(holder.pid);
    if (identity) await stopGroup(identity, "SIGTERM", clock, 3000);
  }
}
