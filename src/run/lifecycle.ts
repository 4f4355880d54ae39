/**
 * A resource's lifecycle as a transition table. The orchestrator and the targets report events;
 * `applyEvent` is the one place that decides what follows, and refuses what cannot happen.
 */
export type Phase = "waiting" | "starting" | "ready" | "exited" | "failed" | "skipped" | "stopped";

export type LifecycleEvent =
  | { type: "start" }
  | { type: "ready"; reused?: boolean }
  | { type: "exit"; code: number | null }
  | { type: "fail"; reason: string }
  | { type: "skip"; reason: string }
  | { type: "stop" };

const TRANSITIONS: Record<Phase, Partial<Record<LifecycleEvent["type"], Phase>>> = {
  waiting: { start: "starting", ready: "ready", skip: "skipped", stop: "stopped" },
  starting: { ready: "ready", exit: "exited", fail: "failed", stop: "stopped" },
  ready: { fail: "failed", exit: "exited", stop: "stopped" },
  exited: { start: "starting", stop: "stopped" },
  failed: { start: "starting", stop: "stopped" },
  skipped: { start: "starting" },
  stopped: { start: "starting" },
};

export class TransitionError extends Error {}

export function applyEvent(phase: Phase, event: LifecycleEvent): Phase {
  let next = TRANSITIONS[phase][event.type];
  // A job that exits non-zero has failed; exit 0 is how a job becomes done.
  if (next === "exited" && event.type === "exit" && event.code !== 0) next = "failed";
  if (!next) throw new TransitionError(`cannot ${event.type} from ${phase}`);
  return next;
}

/** Phases after which dependents may start. */
export const SATISFIED: ReadonlySet<Phase> = new Set(["ready", "exited"]);
export const FINAL: ReadonlySet<Phase> = new Set([
  "ready",
  "exited",
  "failed",
  "skipped",
  "stopped",
]);
