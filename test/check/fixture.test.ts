import { describe, expect, it } from "vitest";
import { expectQuotedText, fixture, itDoesNotReport } from "./fixture-helpers.js";

/**
 * A Tilt + Helm umbrella-chart repository that uses Bitnami charts and images everywhere they
 * hide, plus look-alikes that must not be reported. Its findings are compared, whole, with a
 * committed JSON file. After an intended change: UPDATE_GOLDEN=1 npx vitest run
 * test/check/fixture.test.ts, then `npx prettier --write test/fixtures/check` and review the diff.
 */
describe("the tilt-helm fixture repository", () => {
  const fx = fixture("tilt-helm");
  const { result } = fx;

  it("points every finding at text its message quotes", () => {
    expectQuotedText(fx);
  });

  itDoesNotReport(fx, [
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
  ]);

  it("skips what .paritycheck.yaml ignores", () => {
    expect(result.findings.filter((f) => f.file.startsWith("archive/"))).toEqual([]);
  });
});
