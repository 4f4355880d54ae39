import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { formatJson } from "../../src/check/reporters/json.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "check", "kustomize");
const EXPECTED = `${FIXTURE}.expected.json`;

/**
 * A kustomize repository of stateful dependencies: a base with the classic mistakes (postgres 18
 * on the old data path, RabbitMQ in a Deployment, redis:latest without readiness, a Deployment
 * rolling a ReadWriteOnce claim defined in another file, Kafka beside a Service named `kafka`
 * defined in another file), a `good/` directory of correct manifests that must not be
 * reported, and a CI workflow with archived service images. Its findings are compared, whole, with a committed JSON file.
 * After an intended change: UPDATE_GOLDEN=1 npx vitest run test/check/fixture-kustomize.test.ts,
 * then `npx prettier --write test/fixtures/check/kustomize.expected.json` and review the diff.
 */
describe("the kustomize fixture repository", () => {
  const result = runCheck(FIXTURE);
  const json = formatJson(result);
  if (process.env.UPDATE_GOLDEN) writeFileSync(EXPECTED, json + "\n");
  const lines = (file: string) => readFileSync(join(FIXTURE, file), "utf8").split("\n");

  it("has exactly the expected findings", () => {
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  });

  it("points every finding at text its message quotes", () => {
    for (const f of result.findings) {
      expect(f.endLine).toBe(f.line);
      const text = lines(f.file)[f.line - 1]!.slice(f.column - 1, f.endColumn - 1);
      expect(text.length, `${f.file}:${f.line}`).toBeGreaterThan(0);
      expect(f.message, `${f.file}:${f.line}:${f.column}`).toContain(text);
    }
  });

  it("reports nothing in the correct manifests", () => {
    expect(result.findings.filter((f) => f.file.startsWith("good/"))).toEqual([]);
  });

  it.each([
    ["base/rabbitmq.yaml", "image: rabbitmq"], // it has a readiness probe
    ["base/kafka.yaml", "kafka-headless"], // a headless Service injects nothing
    ["base/postgres.yaml", "image: postgres:18.1"], // it has a readiness probe
    ["base/uploads.yaml", "image: ghcr.io/example/uploads:1.4.0"],
    [".github/workflows/ci.yml", "actions/checkout@v4"],
  ])("does not report %s on the line with %s", (file, marker) => {
    const at = lines(file).findIndex((l) => l.includes(marker)) + 1;
    expect(at, `${marker} is in ${file}`).toBeGreaterThan(0);
    expect(result.findings.filter((f) => f.file === file && f.line === at)).toEqual([]);
  });
});
