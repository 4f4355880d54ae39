import { rmSync } from "node:fs";
import type { Plan, Resource } from "../../plan/types.js";
import type { Reporter } from "../events.js";
import { walk, type WalkResult } from "../orchestrator.js";
import { selectResources } from "../selection.js";
import { stopAll, stopStrays } from "./down.js";
import { preflight } from "./preflight.js";
import { systemClock, type Clock } from "./poll.js";
import { unprivilegedAccount } from "./run-as.js";
import { LocalTarget } from "./target.js";
import { localLayout } from "./layout.js";
import { isAlive } from "./proc.js";
import { StateFile } from "./state.js";
import { stopGroup } from "./stop.js";

export interface LocalUpOptions {
  projectDir: string;
  plan: Plan;
  /** Resources named on the command line; empty: the whole stack. */
  names: readonly string[];
  fresh: boolean;
  report: Reporter;
  signal: AbortSignal;
  warn: (message: string) => void;
  /** Progress worth a line: a server build being fetched. */
  note?: (message: string) => void;
  clock?: Clock;
}

export interface LocalUpResult extends WalkResult {
  target: LocalTarget;
  started: Resource[];
}

/** `parity up` on the local target: preflight, then the dependency walk. */
export async function upLocal(options: LocalUpOptions): Promise<LocalUpResult> {
  const { plan, projectDir } = options;
  const clock = options.clock ?? systemClock;
  const layout = localLayout(projectDir);
  const targets = options.names.length ? options.names : plan.resources.map((r) => r.name);

  if (options.fresh) {
    // Wipe before probing: a fresh service must be started (and its jobs rerun) this time.
    const wiped = plan.resources.filter(
      (r) => r.sort === "service" && (!options.names.length || options.names.includes(r.name)),
    );
    const state = new StateFile(layout.state, plan.stack);
    const running = state.read().resources;
    const names = new Set(wiped.map((r) => r.name));
    if (wiped.some((r) => running[r.name])) await stopAll(plan, layout, state, clock, names);
    for (const service of wiped)
      rmSync(layout.data(service.name), { recursive: true, force: true });
  }

  const runAs = unprivilegedAccount();
  const probe = new LocalTarget({ projectDir, plan, binaries: new Map(), clock, runAs });
  const records = probe.state.read().resources;
  const candidates = plan.resources.filter(
    (r) => r.sort === "external" || (r.sort !== "job" && records[r.name]),
  );
  const ready = new Set(
    (
      await Promise.all(
        candidates.map(async (r) => ((await probe.isReady(r)) ? r.name : undefined)),
      )
    ).filter((n): n is string => n !== undefined),
  );
  const succeeded = new Set(
    Object.entries(records)
      .filter(([, r]) => r.sort === "job" && r.exitCode === 0)
      .map(([n]) => n),
  );
  const selection = selectResources(plan, targets, new Set(options.names), ready, succeeded);
  const started = selection.needed.filter((r) => !selection.reuse.has(r.name));

  // Leftovers that run but do not answer (a parity killed mid-start, a server that died and left
  // its epmd behind) are replaced, not doubled.
  for (const r of started) {
    const leftover = records[r.name]?.process;
    if (leftover && isAlive(leftover)) await stopGroup(leftover, "SIGTERM", clock);
    if (r.sort === "service") await stopStrays(r, plan, layout, clock);
  }

  const { binaries, versions, warnings } = await preflight(
    plan,
    started,
    layout,
    projectDir,
    runAs,
    options.note,
  );
  for (const warning of warnings) options.warn(warning);
  const target = new LocalTarget({ projectDir, plan, binaries, versions, clock, runAs });
  const result = await walk(plan, targets, {
    reuse: selection.reuse,
    runner: target,
    report: options.report,
    signal: options.signal,
    now: () => clock.now(),
  });
  return { ...result, target, started };
}
