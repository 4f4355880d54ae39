import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Resource } from "../../src/plan/types.js";
import type { ResourceRunner } from "../../src/run/orchestrator.js";
import type { Clock } from "../../src/run/local/poll.js";

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lets every pending promise callback run: microtasks are drained before a macrotask, so once
 * this resolves, whatever in-process promise chains could progress have progressed.
 */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A ResourceRunner whose runs are settled by hand: `succeed(name)`, `fail(name, error)`. */
export class FakeRunner implements ResourceRunner {
  /** Names in the order their run began. */
  readonly started: string[] = [];
  readonly signals = new Map<string, AbortSignal>();
  private readonly runs = new Map<string, Deferred<void>>();
  private readonly settled = new Set<string>();

  run(resource: Resource, signal: AbortSignal): Promise<void> {
    if (this.runs.has(resource.name)) throw new Error(`${resource.name} was run twice`);
    this.started.push(resource.name);
    this.signals.set(resource.name, signal);
    const run = deferred<void>();
    this.runs.set(resource.name, run);
    return run.promise;
  }

  /** Runs begun and not yet settled, sorted. */
  running(): string[] {
    return this.started.filter((n) => !this.settled.has(n)).sort();
  }

  succeed(name: string): void {
    this.take(name).resolve();
  }

  fail(name: string, error: unknown): void {
    this.take(name).reject(error);
  }

  private take(name: string): Deferred<void> {
    const run = this.runs.get(name);
    if (!run) throw new Error(`${name} was never started`);
    if (this.settled.has(name)) throw new Error(`${name} was already settled`);
    this.settled.add(name);
    return run;
  }
}

/**
 * Time that passes only when slept: `sleep` advances `now` at once and records what was asked.
 * An aborted signal ends a sleep without advancing time.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = 0) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal?.aborted) this.time += ms;
    return Promise.resolve();
  }
}

/** Waits (real time) until `condition` holds, failing with `message` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  message: string,
  { timeoutMs = 5000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `parity-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
