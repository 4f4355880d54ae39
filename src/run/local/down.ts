import { kindOf } from "../../catalog/index.js";
import type { Plan, ServiceResource } from "../../plan/types.js";
import type { LocalLayout } from "./layout.js";
import type { Clock } from "./poll.js";
import { spawnLogged } from "./proc.js";
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
): Promise<StopOutcome[]> {
  const records = state.read().resources;
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
        if (service && recipe) await afterStop(service, plan, layout);
        state.update((s) => void delete s.resources[name]);
        return { name, how };
      }),
    );
    outcomes.push(...stopped);
  }
  return outcomes;
}

async function afterStop(service: ServiceResource, plan: Plan, layout: LocalLayout): Promise<void> {
  const recipe = kindOf(service.kind).local;
  const ctx = serviceContext(service, plan.stack, layout);
  for (const step of recipe.afterStop(ctx)) {
    const spawned = spawnLogged({
      command: step.bin,
      args: step.args,
      env: { PATH: `${process.env.PATH ?? ""}:/usr/lib/erlang/bin`, ...step.env },
      cwd: layout.root,
      logPath: layout.log(service.name),
    });
    await spawned.exited;
  }
}
