import { describe, expect, it } from "vitest";
import { selectResources, type Selection } from "../../src/run/selection.js";
import { fixtureText, planOf } from "../helpers/spec.js";

const plan = planOf(fixtureText("myapp"));
const ALL = ["postgres", "redis", "rabbitmq", "migrate", "seed", "myapp"];
const LONG_RUNNING = ["postgres", "redis", "rabbitmq", "myapp"];
const JOBS = ["migrate", "seed"];

function select(
  options: {
    targets?: string[];
    named?: string[];
    ready?: string[];
    succeeded?: string[];
  } = {},
): Selection {
  return selectResources(
    plan,
    options.targets ?? ["myapp"],
    new Set(options.named ?? []),
    new Set(options.ready ?? LONG_RUNNING),
    new Set(options.succeeded ?? JOBS),
  );
}

/** What the `up` starts: needed and not reused, in plan order. */
const starts = (s: Selection) => s.needed.map((r) => r.name).filter((n) => !s.reuse.has(n));

describe("selectResources", () => {
  it("starts nothing on a warm stack", () => {
    const selection = select();
    expect(selection.needed.map((r) => r.name)).toEqual(ALL);
    expect([...selection.reuse].sort()).toEqual([...ALL].sort());
    expect(starts(selection)).toEqual([]);
  });

  it("starts everything on a cold stack", () => {
    expect(starts(select({ ready: [], succeeded: [] }))).toEqual(ALL);
  });

  it("reruns the jobs after a restarted postgres, but keeps redis, rabbitmq and the app", () => {
    const selection = select({ ready: ["redis", "rabbitmq", "myapp"] });
    expect(starts(selection)).toEqual(["postgres", "migrate", "seed"]);
    expect(selection.reuse).toEqual(new Set(["redis", "rabbitmq", "myapp"]));
  });

  it("reruns the jobs an app depends on when the app must start", () => {
    const selection = select({ ready: ["postgres", "redis", "rabbitmq"] });
    expect(starts(selection)).toEqual(["migrate", "seed", "myapp"]);
    expect(selection.reuse.has("postgres")).toBe(true);
  });

  it("restarts only a service that is down when nothing depends on it through a job", () => {
    expect(starts(select({ ready: ["postgres", "rabbitmq", "myapp"] }))).toEqual(["redis"]);
  });

  it("runs a named job, and the job that follows it", () => {
    // seed comes after migrate: a fresh migrate is followed by a fresh seed.
    expect(starts(select({ named: ["migrate"] }))).toEqual(["migrate", "seed"]);
  });

  it("runs a named job together with the job it comes after", () => {
    // seed is a dependent of migrate: a job whose dependent starts runs again.
    expect(starts(select({ named: ["seed"] }))).toEqual(["migrate", "seed"]);
  });

  it("runs a job that never succeeded", () => {
    expect(starts(select({ succeeded: ["seed"] }))).toEqual(["migrate", "seed"]);
    expect(starts(select({ succeeded: ["migrate"] }))).toEqual(["migrate", "seed"]);
  });

  it("naming a long-running resource does not restart it", () => {
    expect(starts(select({ named: ["postgres", "myapp"] }))).toEqual([]);
  });

  it("leaves out what lies outside the targets' closure", () => {
    const selection = select({ targets: ["migrate"], ready: [], succeeded: [] });
    expect(selection.needed.map((r) => r.name)).toEqual(["postgres", "migrate"]);
    expect(starts(selection)).toEqual(["postgres", "migrate"]);
    for (const name of ["redis", "rabbitmq", "seed", "myapp"])
      expect(selection.reuse.has(name)).toBe(false);
  });

  it("does not rerun a job because a dependent outside the targets would start", () => {
    // myapp is down, but only migrate is asked for: myapp is not part of this up.
    const selection = select({ targets: ["migrate"], ready: ["postgres", "redis", "rabbitmq"] });
    expect(selection.needed.map((r) => r.name)).toEqual(["postgres", "migrate"]);
    expect(starts(selection)).toEqual([]);
  });

  it("needs the union of several targets' closures", () => {
    const selection = select({ targets: ["migrate", "redis"] });
    expect(selection.needed.map((r) => r.name)).toEqual(["postgres", "redis", "migrate"]);
  });
});
