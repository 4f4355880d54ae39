import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { composeAndManifestsDriftRule } from "../../src/check/rules/compose-and-manifests-drift.js";
import { localhostDependencyEnvRule } from "../../src/check/rules/localhost-dependency-env.js";
import { tiltHelmChartDepsIgnoreRule } from "../../src/check/rules/tilt-helm-chart-deps-ignore.js";
import { tiltHelmHooksRule } from "../../src/check/rules/tilt-helm-hooks.js";
import { tiltMissingResourceDepsRule } from "../../src/check/rules/tilt-missing-resource-deps.js";
import { checkFiles } from "./files-helpers.js";

const RULES = [
  tiltHelmHooksRule,
  tiltHelmChartDepsIgnoreRule,
  tiltMissingResourceDepsRule,
  localhostDependencyEnvRule,
  composeAndManifestsDriftRule,
];

// The syntax these rules read, so that random files reach deep into them.
const TOKENS = [
  "helm(",
  "k8s_yaml(",
  "k8s_resource(",
  "local_resource(",
  "watch_settings(ignore=",
  "resource_deps=",
  "new_name=",
  "'charts/a'",
  "'a'",
  "'postgres'",
  "'myapp'",
  "chart = ",
  "[",
  "]",
  "(",
  ")",
  ",",
  "=",
  "'",
  '"',
  '"""',
  "#",
  "\\",
  "\n",
  "  ",
  "- ",
  "---\n",
  "kind: Deployment\n",
  "kind: Service\n",
  "metadata:\n  name: postgres\n",
  "metadata:\n  name: myapp\n",
  "spec:\n",
  "selector:\n",
  "template:\n",
  "containers:\n",
  "  - image: postgres:18.1\n",
  "image: redis:8.4.0",
  "env:\n",
  "  - name: DATABASE_URL\n    value: postgres://u:p@postgres:5432/x\n",
  "- name: DB_HOST\n  value: localhost\n",
  "value: localhost:6379",
  "REDIS_URL: redis://127.0.0.1",
  "[::1]",
  "dependencies:\n  - name: x\n",
  "helm.sh/hook: pre-install",
  "charts/a/charts/",
  "**/",
  "!",
  "*.tgz",
  "services:\n  db:\n    image: postgres:16\n",
  "{{",
  "}}",
  ":",
  "@",
  "/",
];

const soup = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })), { maxLength: 20 })
  .map((parts) => parts.join(""));

/** A repository on which every one of the rules reports: the starting point of mutations. */
const BASE: Record<string, string> = {
  Tiltfile: [
    "chart = 'charts/a'",
    "k8s_yaml(helm(chart, values=['charts/a/values.yaml']))",
    "k8s_yaml(['k8s/app.yaml', 'k8s/db.yaml'])",
    "k8s_resource('postgres', port_forwards='5432')",
    "k8s_resource(",
    "    'myapp',  # the app",
    "    port_forwards=['8080'],",
    ")",
    "",
  ].join("\n"),
  ".tiltignore": "*.tgz\ncharts/a/tmpcharts\n",
  "charts/a/Chart.yaml": "apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n  - name: x\n",
  "charts/a/templates/job.yaml": 'metadata:\n  annotations:\n    "helm.sh/hook": pre-install\n',
  "charts/a/values.yaml": "env:\n  REDIS_URL: redis://127.0.0.1:6379\n",
  "k8s/app.yaml": [
    "kind: Deployment",
    "metadata:",
    "  name: myapp",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: app",
    "          image: ghcr.io/example/app:1",
    "          env:",
    "            - name: DATABASE_URL",
    "              value: postgres://u@postgres:5432/x",
    "            - name: DB_HOST",
    "              value: localhost",
    "            - name: DB_PORT",
    '              value: "5432"',
    "",
  ].join("\n"),
  "k8s/db.yaml": [
    "kind: StatefulSet",
    "metadata:",
    "  name: postgres",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - image: postgres:18.1",
    "",
  ].join("\n"),
  "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
};
const PATHS = Object.keys(BASE);

/** A file's text with one range replaced by random text. */
const mutation = fc.record({
  file: fc.nat(PATHS.length - 1),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat(12),
  insert: soup,
});

describe("the Tilt and connection rules on random repositories", () => {
  it("all report on the unmutated repository", () => {
    const ids = new Set(checkFiles(BASE, RULES).map((f) => f.ruleId));
    expect([...ids].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  it("never throw on mutations of it, and point inside the files", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const files = { ...BASE };
        for (const m of mutations) {
          const path = PATHS[m.file]!;
          const text = files[path]!;
          const at = Math.floor(m.at * text.length);
          files[path] = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        expectSane(files);
      }),
      { numRuns: 500 },
    );
  });

  it("never throw on random files", () => {
    fc.assert(
      fc.property(fc.array(soup, { minLength: PATHS.length, maxLength: PATHS.length }), (texts) => {
        expectSane(Object.fromEntries(PATHS.map((p, i) => [p, texts[i]!])));
      }),
      { numRuns: 200 },
    );
  });
});

function expectSane(files: Record<string, string>): void {
  for (const f of checkFiles(files, RULES)) {
    expect(f.ruleId, f.message).not.toBe("internal-error");
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.endLine).toBeLessThanOrEqual(files[f.file]!.split("\n").length);
    expect(f.endLine > f.line || f.endColumn >= f.column).toBe(true);
  }
}
