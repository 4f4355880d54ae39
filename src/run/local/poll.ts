/** Injected time, so waiting logic is tested without sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/**
 * One attempt is one connect or login: cheap enough to repeat every 100 ms, and every 100 ms a
 * ready server waits to be noticed is on the critical path of `up` (bench/results.md).
 */
const MAX_INTERVAL_MS = 100;

export type PollOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Repeats `attempt` until it succeeds, `stop()` gives a reason to give up (the process died), the
 * deadline passes or the signal aborts. Attempts come after 50 ms, then every 100 ms.
 */
export async function pollUntil(
  attempt: () => Promise<void>,
  options: {
    timeoutMs: number;
    clock?: Clock;
    signal?: AbortSignal;
    stop?: () => string | undefined;
  },
): Promise<PollOutcome> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  let interval = 50;
  let lastError = "no answer yet";
  for (;;) {
    if (options.signal?.aborted) return { ok: false, reason: "interrupted" };
    const stopped = options.stop?.();
    if (stopped) return { ok: false, reason: stopped };
    try {
      await attempt();
      return { ok: true };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const stoppedAfter = options.stop?.();
    if (stoppedAfter) return { ok: false, reason: stoppedAfter };
    if (clock.now() >= deadline) {
      return {
        ok: false,
        reason: `not ready after ${options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)} s` : `${options.timeoutMs} ms`} (last answer: ${lastError})`,
      };
    }
    await clock.sleep(Math.min(interval, Math.max(0, deadline - clock.now())), options.signal);
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
  }
}
