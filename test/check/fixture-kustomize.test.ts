import { describe, expect, it } from "vitest";
import { expectQuotedText, fixture, itDoesNotReport } from "./fixture-helpers.js";

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
  const fx = fixture("kustomize");
  const { result } = fx;

  it("points every finding at text its message quotes", () => {
    expectQuotedText(fx);
  });

  it("reports nothing in the correct manifests", () => {
    expect(result.findings.filter((f) => f.file.startsWith("good/"))).toEqual([]);
  });

  itDoesNotReport(fx, [
    ["base/rabbitmq.yaml", "image: rabbitmq"], // it has a readiness probe
    ["base/kafka.yaml", "kafka-headless"], // a headless Service injects nothing
    ["base/postgres.yaml", "image: postgres:18.1"], // it has a readiness probe
    ["base/uploads.yaml", "image: ghcr.io/example/uploads:1.4.0"],
    [".github/workflows/ci.yml", "actions/checkout@v4"],
  ]);
});
