import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { formatJson } from "../../src/check/reporters/json.js";
import { EXPECTED, FIXTURE } from "./helpers.js";

/**
 * A Tilt + Helm umbrella-chart repository that uses Bitnami charts and images everywhere they
 * hide, plus look-alikes that must not be reported. Its findings are compared, whole, with a
 * committed JSON file. After an intended change: UPDATE_GOLDEN=1 npx vitest run
 * test/check/fixture.test.ts, then `npx prettier --write test/fixtures/check` and review the diff.
 */
describe("the tilt-helm fixture repository", () => {
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

  it.each([
    ["charts/shop/values.yaml", "sealed-secrets-controller"],
    ["charts/shop/values.yaml", "minideb"],
    ["charts/shop/values.yaml", "moved off bitnami/postgresql"],
    ["charts/shop/Chart.yaml", "cloudnative-pg.github.io"],
    ["charts/shop/Chart.lock", "cloudnative-pg.github.io"],
    ["charts/shop/templates/deployment.yaml", ".Values.image.repository"],
    ["k8s/jobs.yaml", "sealed-secrets-controller"],
    ["k8s/argocd-apps.yaml", "bitnami-labs"],
    ["kustomize/kustomization.yaml", "name: bitnami/redis"],
    ["helmfile.yaml", "cnpg"],
    ["docker/Dockerfile", "minideb"],
    ["docker/Dockerfile", "--from=build"],
    ["docker/Dockerfile", "wait-for-port"], // suppressed by disable-next-line
    ["docker-compose.yml", "public.ecr.aws/bitnami/kafka"], // suppressed by disable-line
    ["docker-compose.yml", "postgres:18.1"],
    ["Tiltfile", "legacy-mysql"], // suppressed
    ["Tiltfile", "bitnami/mongodb"], // commented out
    ["Tiltfile", "bitnami-labs"],
    ["scripts/setup.sh", "sealed-secrets/sealed-secrets"],
    ["scripts/setup.sh", "minideb"],
    ["scripts/setup.sh", "bitnami/mongodb"],
    [".gitlab-ci.yml", "postgres:18.1"],
    [".github/workflows/ci.yml", "redis:8.4.0"],
  ])("does not report %s on the line with %s", (file, marker) => {
    const at = lines(file).findIndex((l) => l.includes(marker)) + 1;
    expect(at, `${marker} is in ${file}`).toBeGreaterThan(0);
    expect(result.findings.filter((f) => f.file === file && f.line === at)).toEqual([]);
  });

  it("skips what .paritycheck.yaml ignores", () => {
    expect(result.findings.filter((f) => f.file.startsWith("archive/"))).toEqual([]);
  });
});
