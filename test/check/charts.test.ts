import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mapLines } from "../../src/check/charts.js";
import { runCheck } from "../../src/check/index.js";
import type { Finding } from "../../src/check/types.js";
import { helmBinary } from "../helpers/helm.js";
import { code, repo } from "./helpers.js";

const CHART = code(`
  apiVersion: v2
  name: demo
  version: 0.1.0
`);

const VALUES = code(`
  redis:
    repository: redis
    tag: latest
  broker:
    image: rabbitmq:4.2.2-management
  workers: [a, b]
`);

const HELPERS = code(`
  {{- define "demo.labels" -}}
  app: demo
  tier: data
  {{- end }}
`);

const REDIS = code(`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: {{ .Release.Name }}-redis
    labels:
      {{- include "demo.labels" . | nindent 4 }}
  spec:
    serviceName: redis
    selector:
      matchLabels:
        {{- include "demo.labels" . | nindent 6 }}
    template:
      metadata:
        labels:
          {{- include "demo.labels" . | nindent 8 }}
      spec:
        containers:
          - name: redis
            image: "{{ .Values.redis.repository }}:{{ .Values.redis.tag }}"
            ports:
              - containerPort: 6379
`);

const BROKER = code(`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: {{ .Release.Name }}-broker
  spec:
    selector:
      matchLabels: {app: broker}
    template:
      metadata:
        labels: {app: broker}
      spec:
        containers:
          - name: rabbitmq
            image: {{ .Values.broker.image | quote }}
`);

/** A range: one rendered document per item, every one from the same template lines. */
const WORKERS = code(`
  {{- range .Values.workers }}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: worker-{{ . }}
  spec:
    template:
      spec:
        containers:
          - name: worker
            image: busybox:latest
  {{- end }}
`);

const files = (extra: Record<string, string> = {}) => ({
  "chart/Chart.yaml": CHART,
  "chart/values.yaml": VALUES,
  "chart/templates/_helpers.tpl": HELPERS,
  "chart/templates/redis.yaml": REDIS,
  "chart/templates/broker.yaml": BROKER,
  ...extra,
});

const brief = (f: Finding) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`;

let cache: string;
const saved = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), "parity-check-cache-"));
  process.env.XDG_CACHE_HOME = cache;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
});

/** A helm that counts its runs in a file, then runs the real one. */
function countingHelm(): { helm: string; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), "parity-helm-count-"));
  const helm = join(dir, "helm");
  const log = join(dir, "runs");
  writeFileSync(log, "");
  writeFileSync(helm, `#!/bin/sh\necho run >> '${log}'\nexec '${helmBinary()}' "$@"\n`);
  chmodSync(helm, 0o755);
  return { helm, runs: () => readFileSync(log, "utf8").split("\n").filter(Boolean).length };
}

describe("Helm charts checked as they render", () => {
  it("reports what the templates render to, at the template lines the values went into", () => {
    const result = runCheck(repo(files()), { helm: helmBinary() });
    expect(result.findings.map(brief)).toEqual([
      "chart/templates/broker.yaml:2:7 rabbitmq-deployment",
      "chart/templates/broker.yaml:14:18 stateful-readiness-probe",
      "chart/templates/redis.yaml:19:19 stateful-image-tag",
      "chart/templates/redis.yaml:19:19 stateful-readiness-probe",
    ]);
    const tag = result.findings.find((f) => f.ruleId === "stateful-image-tag")!;
    // The message quotes the image as it runs, the location is the template's expression.
    expect(tag.message).toContain("`redis:latest`");
    expect(tag.endColumn).toBe(REDIS.split("\n")[18]!.length);
    expect(result.findings.every((f) => f.fix === undefined)).toBe(true);
    expect(result.notes).toEqual([]);
  });

  it("maps every document a range renders to the range's own lines", () => {
    const result = runCheck(repo(files({ "chart/templates/workers.yaml": WORKERS })), {
      helm: helmBinary(),
      rules: ["rabbitmq-deployment=off", "stateful-readiness-probe=off", "stateful-image-tag=off"],
    });
    const workers = result.findings.filter((f) => f.file === "chart/templates/workers.yaml");
    // Every line of the range body is found again for the second item.
    const lines = mapLines(WORKERS.split("\n"), [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: worker-a",
      "---",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: worker-b",
    ]);
    expect(lines).toEqual([3, 4, 5, 6, 6, 3, 4, 5, 6]);
    expect(workers.every((f) => f.line === 12)).toBe(true);
  });

  it("renders a chart once: an unchanged chart comes from the cache, a changed one renders again", () => {
    const { helm, runs } = countingHelm();
    const root = repo(files());
    const first = runCheck(root, { helm });
    expect(runs()).toBe(1);
    expect(runCheck(root, { helm }).findings).toEqual(first.findings);
    expect(runs()).toBe(1);
    writeFileSync(join(root, "chart/values.yaml"), VALUES.replace("tag: latest", "tag: 8.4.0"));
    const changed = runCheck(root, { helm });
    expect(runs()).toBe(2);
    expect(changed.findings.map((f) => f.ruleId)).not.toContain("stateful-image-tag");
  });

  it("renders a chart whose dependencies were never fetched without them, and says so", () => {
    const chart =
      CHART +
      "dependencies:\n  - name: postgresql\n    version: 16.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n";
    const result = runCheck(repo(files({ "chart/Chart.yaml": chart })), { helm: helmBinary() });
    expect(result.findings.map(brief)).toContain(
      "chart/templates/redis.yaml:19:19 stateful-image-tag",
    );
    expect(result.notes).toEqual([
      {
        file: "chart/Chart.yaml",
        message:
          "rendered without its dependencies postgresql (not in charts/: `helm dependency build` fetches them)",
      },
    ]);
  });

  it("renders a vendored subchart through its parent, reporting the subchart's own file once", () => {
    const sub = {
      "chart/charts/cache/Chart.yaml": CHART.replace("name: demo", "name: cache"),
      "chart/charts/cache/values.yaml": "image: valkey/valkey\n",
      "chart/charts/cache/templates/cache.yaml": REDIS.replace(
        '"{{ .Values.redis.repository }}:{{ .Values.redis.tag }}"',
        "{{ .Values.image }}",
      ).replace(/\{\{- include "demo.labels" \. \| nindent (\d) \}\}/g, "app: cache"),
    };
    const result = runCheck(repo(files(sub)), { helm: helmBinary() });
    const inSub = result.findings.filter((f) => f.file.startsWith("chart/charts/cache/"));
    expect(inSub.map(brief)).toEqual([
      "chart/charts/cache/templates/cache.yaml:19:18 stateful-image-tag",
      "chart/charts/cache/templates/cache.yaml:19:18 stateful-readiness-probe",
    ]);
  });

  it("reads a template that does not render as text, and says why", () => {
    const broken = BROKER.replace(
      "{{ .Values.broker.image | quote }}",
      'rabbitmq:4.2.2-management\n          env: [{name: X, value: {{ required "set x" .Values.x }}}]',
    );
    const result = runCheck(repo(files({ "chart/templates/broker.yaml": broken })), {
      helm: helmBinary(),
    });
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]!.file).toBe("chart/Chart.yaml");
    expect(result.notes[0]!.message).toMatch(
      /^not rendered: `helm template` failed \(.*set x.*\); its templates were read as text$/,
    );
    // The tolerant read still sees the broker's literal image in its Deployment.
    expect(result.findings.map(brief)).toContain(
      "chart/templates/broker.yaml:2:7 rabbitmq-deployment",
    );
  });

  it("says once that charts were read as text when there is no helm", () => {
    const result = runCheck(repo(files()), { helm: join(tmpdir(), "no-such-helm") });
    expect(result.notes).toEqual([
      {
        file: "chart/Chart.yaml",
        message: expect.stringMatching(/^not rendered: helm \(.*no-such-helm\) cannot be run/),
      },
    ]);
    const none = runCheck(repo(files()), { helm: false });
    expect(none.notes).toEqual([]);
  });

  it("honours a template's suppression comment", () => {
    const quiet = BROKER.replace(
      "kind: Deployment",
      "# parity-check-disable-next-line rabbitmq-deployment -- a throwaway broker\nkind: Deployment",
    );
    const result = runCheck(repo(files({ "chart/templates/broker.yaml": quiet })), {
      helm: helmBinary(),
    });
    expect(result.findings.map((f) => f.ruleId)).not.toContain("rabbitmq-deployment");
  });
});
