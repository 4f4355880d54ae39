import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectQuotedText, fixture, fixtureDir, itDoesNotReport } from "./fixture-helpers.js";

const MINE = [
  "tilt-helm-hooks",
  "tilt-helm-chart-deps-ignore",
  "tilt-missing-resource-deps",
  "localhost-dependency-env",
  "compose-and-manifests-drift",
];

/**
 * A Tilt repository with raw manifests, two local charts rendered by Tilt's built-in helm() (one
 * with a pre-install hook and a dependency that .tiltignore half covers), apps that connect to
 * databases they do not wait for or reach through localhost, and a compose file that describes
 * postgres a second time; plus the right ways of doing each, which must not be reported. It is
 * scanned as a copy outside any git work tree (whether the fixture is committed must not matter)
 * and its findings compared, whole, with a committed JSON file. After an intended change:
 * UPDATE_GOLDEN=1 npx vitest run test/check/fixture-tilt-raw.test.ts, then
 * `npx prettier --write test/fixtures/check/tilt-raw.expected.json` and review the diff.
 */
describe("the tilt-raw fixture repository", () => {
  const dir = mkdtempSync(join(tmpdir(), "parity-check-tilt-raw-"));
  cpSync(fixtureDir("tilt-raw"), dir, { recursive: true });
  const fx = fixture("tilt-raw", dir);
  const { result, at } = fx;

  it("points every finding at one line of text its message quotes", () => {
    expectQuotedText(fx);
  });

  it("reports each pitfall once, at its text", () => {
    const mine = result.findings
      .filter((f) => MINE.includes(f.ruleId))
      .map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity} ${at(f)}`);
    expect(mine).toEqual([
      "Tiltfile:17 tilt-helm-chart-deps-ignore error charts/api",
      "Tiltfile:17 tilt-helm-hooks warning charts/api",
      "Tiltfile:42 tilt-missing-resource-deps warning worker",
      "Tiltfile:45 tilt-missing-resource-deps warning reports",
      "charts/api/values-dev.yaml:6 localhost-dependency-env error localhost",
      "docker-compose.yml:4 compose-and-manifests-drift warning postgres:16",
      "k8s/reports.yaml:24 localhost-dependency-env error 127.0.0.1",
      "k8s/reports.yaml:26 localhost-dependency-env error localhost",
    ]);
  });

  it("advises the exact .tiltignore line that is missing", () => {
    const finding = result.findings.find((f) => f.ruleId === "tilt-helm-chart-deps-ignore");
    expect(finding?.advice).toBe("Add these lines to .tiltignore:\ncharts/api/tmpcharts/");
  });

  itDoesNotReport(
    fx,
    [
      ["Tiltfile", "k8s_yaml(helm(web_chart"], // no hooks, no dependencies
      ["Tiltfile", "helm_resource('search'"], // runs hooks
      ["Tiltfile", "# k8s_yaml(helm('charts/search'))"],
      ["Tiltfile", "k8s_resource('migrate'"],
      ["Tiltfile", "'myapp',"], // waits for postgres through migrate
      ["Tiltfile", "k8s_resource('billing'"],
      ["charts/api/values.yaml", "postgres://orders@postgres"],
      ["charts/web/templates/deployment.yaml", "helm.sh/hook: post-install"],
      ["k8s/app.yaml", "http://localhost:4317"],
      ["k8s/app.yaml", "value: postgres #"],
      ["k8s/redis.yaml", "value: localhost"], // the server's own env
      ["k8s/billing.yaml", "127.0.0.1"], // a Cloud SQL proxy sidecar
      ["docker-compose.yml", "valkey/valkey"],
    ],
    { rules: MINE },
  );
});
