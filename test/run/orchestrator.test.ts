import { beforeEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.js";
import { ResourceFailed } from "../../src/run/errors.js";
import type { ResourceEvent } from "../../src/run/events.js";
import { walk, type WalkOptions, type WalkResult } from "../../src/run/orchestrator.js";
import { FakeRunner, flush } from "../helpers/run-fakes.js";
import { fixtureText, planOf } from "../helpers/spec.js";

const ALL = ["postgres", "redis", "rabbitmq", "migrate", "seed", "myapp"];
const SERVICES = ["postgres", "rabbitmq", "redis"];

let plan: Plan;
let runner: FakeRunner;
let events: ResourceEvent[];
let controller: AbortController;
let time: number;

beforeEach(() => {
  plan = planOf(fixtureText("myapp"));
  runner = new FakeRunner();
  events = [];
  controller = new AbortController();
  time = 1_000;
});

function start(targets: readonly string[] = ["myapp"], options: Partial<WalkOptions> = {}) {
  let result: WalkResult | undefined;
  const done = walk(plan, targets, {
    reuse: new Set(),
    runner,
    report: (e) => events.push(e),
    signal: controller.signal,
    now: () => time,
    ...options,
  }).then((r) => (result = r));
  return { done, result: () => result };
}

const eventsOf = (name: string) => events.filter((e) => e.resource === name);
const phasesOf = (name: string) => eventsOf(name).map((e) => e.phase);

describe("walk", () => {
  it("checks that the fixture has the expected shape", () => {
    expect(plan.resources.map((r) => r.name)).toEqual(ALL);
    expect(plan.deps.get("myapp")).toEqual(["postgres", "redis", "rabbitmq", "migrate", "seed"]);
  });

  it("starts independent services together, before any of them is ready", async () => {
    const walking = start();
    await flush();
    expect(runner.running()).toEqual(SERVICES);
    expect(events.map((e) => [e.resource, e.phase])).toEqual([
      ["postgres", "starting"],
      ["redis", "starting"],
      ["rabbitmq", "starting"],
    ]);
    expect(walking.result()).toBeUndefined();
  });

  it("brings the whole stack up in dependency order", async () => {
    const walking = start();
    await flush();

    runner.succeed("redis");
    runner.succeed("rabbitmq");
    await flush();
    expect(runner.started).not.toContain("migrate"); // postgres is not ready yet

    runner.succeed("postgres");
    await flush();
    expect(runner.running()).toEqual(["migrate"]); // seed waits for migrate

    runner.succeed("migrate");
    await flush();
    expect(runner.running()).toEqual(["seed"]);

    runner.succeed("seed");
    await flush();
    expect(runner.running()).toEqual(["myapp"]);
    expect(walking.result()).toBeUndefined();

    runner.succeed("myapp");
    await walking.done;
    const result = walking.result()!;
    expect(result.failures).toEqual([]);
    expect(Object.fromEntries(result.phases)).toEqual({
      postgres: "ready",
      redis: "ready",
      rabbitmq: "ready",
      migrate: "exited",
      seed: "exited",
      myapp: "ready",
    });
    expect(runner.started).toEqual(["postgres", "redis", "rabbitmq", "migrate", "seed", "myapp"]);
    // Jobs end with an exit 0 event, services and apps with ready.
    expect(eventsOf("migrate").map((e) => e.event)).toEqual([
      { type: "start" },
      { type: "exit", code: 0 },
    ]);
    expect(eventsOf("myapp").map((e) => e.event)).toEqual([{ type: "start" }, { type: "ready" }]);
    expect(events.map((e) => e.sort)).toContain("job");
    expect(eventsOf("redis").every((e) => e.sort === "service")).toBe(true);
    expect(eventsOf("myapp").every((e) => e.sort === "app")).toBe(true);
  });

  it("starts the app only when every dependency and job is done", async () => {
    const walking = start();
    await flush();
    runner.succeed("postgres");
    runner.succeed("redis");
    await flush();
    runner.succeed("migrate");
    await flush();
    runner.succeed("seed");
    await flush();
    expect(runner.running()).toEqual(["rabbitmq"]);
    expect(runner.started).not.toContain("myapp");
    expect(phasesOf("myapp")).toEqual([]);

    runner.succeed("rabbitmq");
    await flush();
    expect(runner.running()).toEqual(["myapp"]);
    runner.succeed("myapp");
    await walking.done;
    expect(walking.result()!.phases.get("myapp")).toBe("ready");
  });

  it("skips what depends on a failed job and never runs it", async () => {
    const walking = start();
    await flush();
    runner.succeed("postgres");
    await flush();
    const failure = new ResourceFailed("migrate", "exited with code 3", {
      logTail: ['ERROR: relation "orders" already exists', "migration 0002 failed"],
    });
    runner.fail("migrate", failure);
    await flush();
    // Services already starting finish; the walk waits for them.
    expect(runner.running()).toEqual(["rabbitmq", "redis"]);
    expect(walking.result()).toBeUndefined();
    runner.succeed("redis");
    runner.succeed("rabbitmq");
    await walking.done;

    const result = walking.result()!;
    expect(runner.started).not.toContain("seed");
    expect(runner.started).not.toContain("myapp");
    expect(result.failures).toEqual([failure]);
    expect(result.failures[0]).toBe(failure);
    expect(result.failures[0]!.logTail).toEqual([
      'ERROR: relation "orders" already exists',
      "migration 0002 failed",
    ]);
    expect(Object.fromEntries(result.phases)).toEqual({
      postgres: "ready",
      redis: "ready",
      rabbitmq: "ready",
      migrate: "failed",
      seed: "skipped",
      myapp: "skipped",
    });

    const failed = eventsOf("migrate").at(-1)!;
    expect(failed).toMatchObject({
      phase: "failed",
      sort: "job",
      event: { type: "fail", reason: "migrate: exited with code 3" },
      detail: "migrate: exited with code 3",
      logTail: failure.logTail,
    });
    for (const name of ["seed", "myapp"]) {
      expect(eventsOf(name)).toHaveLength(1);
      expect(eventsOf(name)[0]).toMatchObject({
        phase: "skipped",
        event: { type: "skip", reason: "not started: migrate failed" },
        detail: "not started: migrate failed",
      });
    }
  });

  it("starts nothing new after a failure, even what the failure does not block", async () => {
    const walking = start();
    await flush();
    runner.fail("redis", new ResourceFailed("redis", "not ready after 30 s"));
    await flush();
    runner.succeed("postgres"); // migrate could start now, but a failure happened
    runner.succeed("rabbitmq");
    await walking.done;
    expect(runner.started.sort()).toEqual(SERVICES);
    const result = walking.result()!;
    expect(result.phases.get("migrate")).toBe("skipped");
    expect(eventsOf("migrate")[0]!.detail).toBe("not started: redis failed");
    expect(result.failures.map((f) => f.resource)).toEqual(["redis"]);
  });

  it("wraps a rejection that is not a ResourceFailed, naming the resource", async () => {
    const walking = start(["migrate"]);
    await flush();
    runner.fail("postgres", new Error("spawn EACCES"));
    await walking.done;
    const [failure] = walking.result()!.failures;
    expect(failure).toBeInstanceOf(ResourceFailed);
    expect(failure!.resource).toBe("postgres");
    expect(failure!.message).toBe("postgres: Error: spawn EACCES");
    expect(failure!.logTail).toEqual([]);
    expect(walking.result()!.phases.get("migrate")).toBe("skipped");
  });

  it("reports reused resources ready without running them", async () => {
    const walking = start(["myapp"], { reuse: new Set(["postgres", "redis", "rabbitmq"]) });
    await flush();
    expect(events.slice(0, 3).map((e) => [e.resource, e.phase, e.event])).toEqual([
      ["postgres", "ready", { type: "ready", reused: true }],
      ["redis", "ready", { type: "ready", reused: true }],
      ["rabbitmq", "ready", { type: "ready", reused: true }],
    ]);
    expect(runner.running()).toEqual(["migrate"]);
    runner.succeed("migrate");
    await flush();
    runner.succeed("seed");
    await flush();
    runner.succeed("myapp");
    await walking.done;
    expect(runner.started).toEqual(["migrate", "seed", "myapp"]);
    expect(walking.result()!.phases.get("postgres")).toBe("ready");
  });

  it("runs nothing when everything is reused", async () => {
    const walking = start(["myapp"], { reuse: new Set(ALL) });
    await walking.done;
    expect(runner.started).toEqual([]);
    expect([...walking.result()!.phases.values()]).toEqual(Array(6).fill("ready"));
    expect(events.every((e) => e.event.type === "ready" && e.event.reused)).toBe(true);
  });

  it("runs only what the targets need", async () => {
    const walking = start(["migrate"]);
    await flush();
    expect(runner.running()).toEqual(["postgres"]);
    runner.succeed("postgres");
    await flush();
    expect(runner.running()).toEqual(["migrate"]);
    runner.succeed("migrate");
    await walking.done;
    expect(runner.started).toEqual(["postgres", "migrate"]);
    expect([...walking.result()!.phases.keys()]).toEqual(["postgres", "migrate"]);
    expect(new Set(events.map((e) => e.resource))).toEqual(new Set(["postgres", "migrate"]));
  });

  it("on abort starts nothing new and skips what waits", async () => {
    const walking = start();
    await flush();
    expect(runner.signals.get("postgres")).toBe(controller.signal);
    controller.abort();
    runner.succeed("postgres"); // it was ready just as the interrupt came
    await flush();
    expect(runner.started).not.toContain("migrate");
    runner.fail("redis", new ResourceFailed("redis", "interrupted"));
    runner.fail("rabbitmq", new ResourceFailed("rabbitmq", "interrupted"));
    await walking.done;

    expect(runner.started.sort()).toEqual(SERVICES);
    const result = walking.result()!;
    expect(result.phases.get("postgres")).toBe("ready");
    expect(result.phases.get("redis")).toBe("failed");
    for (const name of ["migrate", "seed", "myapp"]) {
      expect(result.phases.get(name)).toBe("skipped");
      expect(eventsOf(name)).toEqual([
        expect.objectContaining({
          phase: "skipped",
          event: { type: "skip", reason: "interrupted" },
          detail: "interrupted",
        }),
      ]);
    }
  });

  it("starts nothing at all when the signal is already aborted", async () => {
    controller.abort();
    const walking = start();
    await walking.done;
    expect(runner.started).toEqual([]);
    expect([...walking.result()!.phases.values()]).toEqual(Array(6).fill("skipped"));
  });

  it("stamps events with milliseconds since the walk began, from the injected clock", async () => {
    const walking = start(["migrate"]);
    await flush();
    time = 1_250;
    runner.succeed("postgres");
    await flush();
    time = 4_000;
    runner.succeed("migrate");
    await walking.done;
    expect(events.map((e) => [e.resource, e.phase, e.at])).toEqual([
      ["postgres", "starting", 0],
      ["postgres", "ready", 250],
      ["migrate", "starting", 250],
      ["migrate", "exited", 3_000],
    ]);
  });
});
