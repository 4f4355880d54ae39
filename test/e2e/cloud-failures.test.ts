import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, parity } from "../helpers/cli.js";
import { alive, recordedProcesses } from "../helpers/stack.js";

/** What a new kind that cannot run does to the rest of the stack: nothing is left half up. */
describe("a kind that cannot start", { timeout: 120_000 }, () => {
  const projects: string[] = [];
  const project = (spec: string) => {
    const dir = copyFixture("local-stack");
    writeFileSync(join(dir, "parity.yaml"), spec);
    projects.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of projects) parity(["down", "--volumes"], dir);
  });

  it("without a build it can fetch, gets doctor's hint naming the tool it needs, and nothing starts", () => {
    const dir = project(
      "name: offline\nservices:\n  redis:\n    forward: 23379\n  kafka:\n    forward: 23092\n",
    );
    const empty = join(dir, "empty-cache");
    mkdirSync(empty);
    // A machine that cannot reach Maven Central, with no build cached.
    const up = parity(["up", "--detach"], dir, {
      PARITY_CACHE: empty,
      PARITY_MAVEN_REPOSITORY: "http://127.0.0.1:9/maven2",
    });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      "kafka: no kafka 4.4.0 to run (no build of 4.4.0: cannot list org.apache.kafka:kafka_2.13",
    );
    expect(up.stderr).toContain(
      "`parity doctor --install` fetches it (needs Java 17 and Maven (mvn))",
    );
    expect(up.stderr).not.toMatch(/^\s+at /m);
    expect(Object.keys(recordedProcesses(dir))).toEqual([]);
    expect(existsSync(join(dir, ".parity/data"))).toBe(false);
  });

  it("stops what the same up started when its server exits, and shows why", () => {
    const dir = project(
      "name: broken\nservices:\n  s3:\n    forward: 23070\n  kafka:\n    forward: 23192\n",
    );
    // A data directory Kafka refuses to open.
    mkdirSync(join(dir, ".parity/data/kafka"), { recursive: true });
    writeFileSync(join(dir, ".parity/data/kafka/meta.properties"), "version=99\nnode.id=1\n");
    const up = parity(["up", "--detach"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("✖ kafka: exited with code 1 before it was ready");
    expect(up.stderr).toContain("Unknown meta.properties version number 99");
    expect(up.stderr).toContain("stopped what this up started: s3");
    const status = JSON.parse(parity(["status", "--json"], dir).stdout) as {
      resources: Array<{ name: string; state: string }>;
    };
    expect(status.resources.map((r) => [r.name, r.state])).toEqual([
      ["s3", "not started"],
      ["kafka", "not started"],
    ]);
    for (const p of Object.values(recordedProcesses(dir))) expect(alive(p)).toBe(false);
  });
});
