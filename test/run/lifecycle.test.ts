import { describe, expect, it } from "vitest";
import {
  applyEvent,
  FINAL,
  SATISFIED,
  TransitionError,
  type LifecycleEvent,
  type Phase,
} from "../../src/run/lifecycle.js";

const PHASES: Phase[] = ["waiting", "starting", "ready", "exited", "failed", "skipped", "stopped"];

const EVENTS: Record<string, LifecycleEvent> = {
  start: { type: "start" },
  ready: { type: "ready" },
  reused: { type: "ready", reused: true },
  exit0: { type: "exit", code: 0 },
  exit1: { type: "exit", code: 1 },
  exit137: { type: "exit", code: 137 },
  exitSignal: { type: "exit", code: null },
  fail: { type: "fail", reason: "boom" },
  skip: { type: "skip", reason: "dependency failed" },
  stop: { type: "stop" },
};

/** The whole table: every phase × every event, with the phase that follows or "throws". */
const TABLE: Record<Phase, Record<keyof typeof EVENTS, Phase | "throws">> = {
  waiting: {
    start: "starting",
    ready: "ready",
    reused: "ready",
    exit0: "throws",
    exit1: "throws",
    exit137: "throws",
    exitSignal: "throws",
    fail: "throws",
    skip: "skipped",
    stop: "stopped",
  },
  starting: {
    start: "throws",
    ready: "ready",
    reused: "ready",
    exit0: "exited",
    exit1: "failed",
    exit137: "failed",
    exitSignal: "failed",
    fail: "failed",
    skip: "throws",
    stop: "stopped",
  },
  ready: {
    start: "throws",
    ready: "throws",
    reused: "throws",
    exit0: "exited",
    exit1: "failed",
    exit137: "failed",
    exitSignal: "failed",
    fail: "failed",
    skip: "throws",
    stop: "stopped",
  },
  exited: {
    start: "starting",
    ready: "throws",
    reused: "throws",
    exit0: "throws",
    exit1: "throws",
    exit137: "throws",
    exitSignal: "throws",
    fail: "throws",
    skip: "throws",
    stop: "stopped",
  },
  failed: {
    start: "starting",
    ready: "throws",
    reused: "throws",
    exit0: "throws",
    exit1: "throws",
    exit137: "throws",
    exitSignal: "throws",
    fail: "throws",
    skip: "throws",
    stop: "stopped",
  },
  skipped: {
    start: "starting",
    ready: "throws",
    reused: "throws",
    exit0: "throws",
    exit1: "throws",
    exit137: "throws",
    exitSignal: "throws",
    fail: "throws",
    skip: "throws",
    stop: "throws",
  },
  stopped: {
    start: "starting",
    ready: "throws",
    reused: "throws",
    exit0: "throws",
    exit1: "throws",
    exit137: "throws",
    exitSignal: "throws",
    fail: "throws",
    skip: "throws",
    stop: "throws",
  },
};

const cases = PHASES.flatMap((phase) =>
  Object.entries(EVENTS).map(([label, event]) => ({
    phase,
    label,
    event,
    expected: TABLE[phase][label]!,
  })),
);

describe("applyEvent", () => {
  it("the table covers every phase and event", () => {
    expect(cases).toHaveLength(PHASES.length * Object.keys(EVENTS).length);
  });

  it.each(cases.filter((c) => c.expected !== "throws"))(
    "$phase + $label → $expected",
    ({ phase, event, expected }) => {
      expect(applyEvent(phase, event)).toBe(expected);
    },
  );

  it.each(cases.filter((c) => c.expected === "throws"))(
    "$phase + $label is refused",
    ({ phase, event }) => {
      expect(() => applyEvent(phase, event)).toThrow(TransitionError);
      expect(() => applyEvent(phase, event)).toThrow(`cannot ${event.type} from ${phase}`);
    },
  );

  it("a job's exit code decides between exited and failed", () => {
    expect(applyEvent("starting", { type: "exit", code: 0 })).toBe("exited");
    expect(applyEvent("starting", { type: "exit", code: 2 })).toBe("failed");
    expect(applyEvent("starting", { type: "exit", code: null })).toBe("failed");
  });

  it("a whole job run: waiting → starting → exited, and a rerun from exited", () => {
    let phase: Phase = "waiting";
    for (const event of [{ type: "start" }, { type: "exit", code: 0 }, { type: "start" }] as const)
      phase = applyEvent(phase, event);
    expect(phase).toBe("starting");
  });
});

describe("phase sets", () => {
  it("only ready and exited let dependents start", () => {
    expect([...SATISFIED].sort()).toEqual(["exited", "ready"]);
  });

  it("every phase but waiting and starting is final", () => {
    expect(PHASES.filter((p) => !FINAL.has(p))).toEqual(["waiting", "starting"]);
  });
});
