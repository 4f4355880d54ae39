import { describe, expect, it } from "vitest";
import { pollUntil, systemClock } from "../../src/run/local/poll.js";
import { FakeClock } from "../helpers/run-fakes.js";

/** An attempt that fails `failures` times (with numbered messages), then succeeds. */
function flaky(failures: number) {
  const calls = { count: 0 };
  const attempt = async () => {
    calls.count++;
    if (calls.count <= failures) throw new Error(`connection refused #${calls.count}`);
  };
  return { attempt, calls };
}

describe("pollUntil", () => {
  it("succeeds at once without sleeping", async () => {
    const clock = new FakeClock();
    const { attempt, calls } = flaky(0);
    expect(await pollUntil(attempt, { timeoutMs: 1000, clock })).toEqual({ ok: true });
    expect(calls.count).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("succeeds after N failures, after 50 ms and then every 100 ms", async () => {
    const clock = new FakeClock(10_000);
    const { attempt, calls } = flaky(7);
    expect(await pollUntil(attempt, { timeoutMs: 60_000, clock })).toEqual({ ok: true });
    expect(calls.count).toBe(8);
    expect(clock.sleeps).toEqual([50, 100, 100, 100, 100, 100, 100]);
    expect(clock.now()).toBe(10_000 + 650);
  });

  it("times out with the last error in the reason, never sleeping past the deadline", async () => {
    const clock = new FakeClock();
    const { attempt, calls } = flaky(Infinity);
    const outcome = await pollUntil(attempt, { timeoutMs: 1000, clock });
    // 0, 50, 150, … 950, then a last sleep cut to the 50 ms that are left, and a last attempt.
    expect(clock.sleeps).toEqual([50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50]);
    expect(calls.count).toBe(12);
    expect(clock.now()).toBe(1000);
    expect(outcome).toEqual({
      ok: false,
      reason: "not ready after 1 s (last answer: connection refused #12)",
    });
  });

  it("reports a non-Error rejection as its string", async () => {
    const clock = new FakeClock();
    const outcome = await pollUntil(() => Promise.reject("EOF"), { timeoutMs: 2000, clock });
    expect(outcome).toEqual({ ok: false, reason: "not ready after 2 s (last answer: EOF)" });
  });

  it("gives up with stop()'s reason as soon as it has one", async () => {
    const clock = new FakeClock();
    const { attempt, calls } = flaky(Infinity);
    const outcome = await pollUntil(attempt, {
      timeoutMs: 60_000,
      clock,
      stop: () => (calls.count >= 3 ? "exited with code 1 before it was ready" : undefined),
    });
    expect(outcome).toEqual({ ok: false, reason: "exited with code 1 before it was ready" });
    expect(calls.count).toBe(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it("does not attempt at all when stop() answers from the start", async () => {
    const clock = new FakeClock();
    const { attempt, calls } = flaky(0);
    const outcome = await pollUntil(attempt, { timeoutMs: 1000, clock, stop: () => "gone" });
    expect(outcome).toEqual({ ok: false, reason: "gone" });
    expect(calls.count).toBe(0);
  });

  it("prefers stop()'s reason to the timeout", async () => {
    const clock = new FakeClock();
    const outcome = await pollUntil(
      async () => {
        clock.time += 5_000; // the attempt itself outlasts the deadline
        throw new Error("timeout");
      },
      { timeoutMs: 1000, clock, stop: () => (clock.time > 0 ? "process died" : undefined) },
    );
    expect(outcome).toEqual({ ok: false, reason: "process died" });
  });

  it("returns interrupted when the signal is aborted before the first attempt", async () => {
    const clock = new FakeClock();
    const { attempt, calls } = flaky(0);
    const outcome = await pollUntil(attempt, {
      timeoutMs: 1000,
      clock,
      signal: AbortSignal.abort(),
    });
    expect(outcome).toEqual({ ok: false, reason: "interrupted" });
    expect(calls.count).toBe(0);
  });

  it("returns interrupted when the signal is aborted while polling", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let calls = 0;
    const outcome = await pollUntil(
      async () => {
        if (++calls === 2) controller.abort();
        throw new Error("not yet");
      },
      { timeoutMs: 60_000, clock, signal: controller.signal },
    );
    expect(outcome).toEqual({ ok: false, reason: "interrupted" });
    expect(calls).toBe(2);
    // the sleep after the abort is handed the aborted signal and ends at once
    expect(clock.now()).toBe(50);
  });
});

describe("systemClock", () => {
  it("ends a sleep early when its signal aborts", async () => {
    const controller = new AbortController();
    const began = Date.now();
    const sleeping = systemClock.sleep(20_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await sleeping;
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it("sleeps about as long as asked", async () => {
    const began = systemClock.now();
    await systemClock.sleep(30);
    expect(systemClock.now() - began).toBeGreaterThanOrEqual(25);
  });
});
