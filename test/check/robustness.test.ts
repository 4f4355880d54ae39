import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { MAX_FILE_BYTES } from "../../src/check/scan.js";
import { MAX_DOCUMENT_CHARS } from "../../src/check/stream.js";
import { UsageError } from "../../src/errors.js";
import { code, repo } from "./helpers.js";

const POD = "kind: Pod\nspec:\n  containers:\n    - image: bitnami/redis:7\n";
const where = (dir: string) =>
  runCheck(dir).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.severity}`);

/** Real repositories hold everything; the scanner reads what it can and never throws. */
describe("robustness on real repositories", () => {
  it("skips binary files (a NUL byte) with a note", () => {
    const dir = repo({
      "values.yaml": new Uint8Array([0x69, 0x6d, 0x00, 0x62, 0x69, 0x74, 0x6e, 0x61, 0x6d, 0x69]),
    });
    const result = runCheck(dir);
    expect(result.findings).toEqual([]);
    expect(result.filesChecked).toBe(0);
    expect(result.notes).toEqual([
      { file: "values.yaml", message: "skipped: binary file (it has a NUL byte)" },
    ]);
  });

  it("reads files that are not UTF-8 as Latin-1, keeping columns", () => {
    const latin1 = Buffer.from(
      "# Caf\xe9 config\nservices:\n  c:\n    image: bitnami/redis:7\n",
      "latin1",
    );
    const dir = repo({ "compose.yaml": latin1 });
    const result = runCheck(dir);
    expect(where(dir)).toEqual(["compose.yaml:4:12 bitnami-image error"]);
    expect(result.notes).toEqual([{ file: "compose.yaml", message: "not UTF-8: read as Latin-1" }]);
  });

  it("drops a UTF-8 byte-order mark and decodes UTF-16 by its mark", () => {
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("image: bitnami/redis:7\n"),
    ]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("image: bitnami/redis:7\n", "utf16le"),
    ]);
    expect(where(repo({ "a.yaml": bom, "b.yaml": utf16 }))).toEqual([
      "a.yaml:1:8 bitnami-image error",
      "b.yaml:1:8 bitnami-image error",
    ]);
  });

  it("reports invalid YAML once, as a warning, and skips the rules that parse it", () => {
    const dir = repo({ "k8s/broken.yaml": "kind: Pod\nspec: [\n  image: bitnami/redis:7\n" });
    const [finding, ...rest] = runCheck(dir).findings;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: "parse-error",
      severity: "warning",
      file: "k8s/broken.yaml",
    });
    expect(finding!.message).toMatch(
      /^not valid YAML \(.+\); rules that read YAML skipped this file$/,
    );
    expect(finding!.line).toBeGreaterThanOrEqual(2);
    expect(runCheck(dir, { rules: ["parse-error=off"] }).findings).toEqual([]);
  });

  it("does not parse (or report) invalid YAML that no rule is interested in", () => {
    expect(runCheck(repo({ "notes.yaml": "a: [\n" })).findings).toEqual([]);
  });

  it("scans Helm templates by lines and never parses them", () => {
    const template = code(`
      {{- if .Values.cache.enabled }}
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: {{ include "app.fullname" . }}-cache
        labels:
          {{- include "app.labels" . | nindent 4 }}
      spec:
        template:
          spec:
            containers:
              - name: cache
                image: bitnami/redis:7.2
      {{- end }}
    `);
    const dir = repo({
      "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "chart/templates/cache.yaml": template,
    });
    expect(where(dir)).toEqual(["chart/templates/cache.yaml:13:18 bitnami-image error"]);
    // The same file outside a chart is YAML, and invalid: reported, not crashed on.
    expect(where(repo({ "other/templates/cache.yaml": template }))).toEqual([
      expect.stringMatching(/^other\/templates\/cache.yaml:\d+:\d+ parse-error warning$/),
    ]);
  });

  it("checks every document of a multi-document file", () => {
    const dir = repo({ "all.yaml": `${POD}---\n---\nkind: ConfigMap\n---\n${POD}` });
    expect(where(dir)).toEqual([
      "all.yaml:4:14 bitnami-image error",
      "all.yaml:12:14 bitnami-image error",
    ]);
  });

  it("never follows symbolic links: no loops, nothing outside the tree, nothing twice", () => {
    const outside = repo({ "pod.yaml": POD });
    const dir = repo({ "k8s/pod.yaml": POD });
    symlinkSync("..", join(dir, "k8s", "loop"));
    symlinkSync(join(dir, "self"), join(dir, "self"));
    symlinkSync(outside, join(dir, "outside"));
    symlinkSync(join(outside, "pod.yaml"), join(dir, "outside.yaml"));
    symlinkSync("k8s/pod.yaml", join(dir, "twice.yaml"));
    symlinkSync("missing.yaml", join(dir, "dangling.yaml"));
    expect(where(dir)).toEqual(["k8s/pod.yaml:4:14 bitnami-image error"]);
  });

  it("checks through a linked root", () => {
    const dir = repo({ "pod.yaml": POD });
    const link = join(repo({}), "link");
    symlinkSync(dir, link);
    expect(runCheck(link).findings.map((f) => f.file)).toEqual(["pod.yaml"]);
  });

  it("skips node_modules, .git, vendor and .parity", () => {
    const dir = repo({
      "node_modules/chart/values.yaml": POD,
      "a/node_modules/x.yaml": POD,
      ".git/x.yaml": POD,
      "vendor/x/pod.yaml": POD,
      ".parity/render/pod.yaml": POD,
      ".github/workflows/ci.yml": "jobs:\n  t:\n    container: bitnami/node:20\n",
    });
    expect(runCheck(dir).findings.map((f) => f.file)).toEqual([".github/workflows/ci.yml"]);
  });

  it("reads manifest bundles over 2 MiB document by document, findings at the bundle's lines", () => {
    // An operator install: thousands of documents, mistakes near the start, middle and end.
    const filler = (i: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata:\n  k: "${"v".repeat(400)}"\n`;
    const docs: string[] = [];
    for (let i = 0; i < 6000; i++) docs.push(filler(i));
    docs[3] = POD;
    docs[3000] = POD.replace("bitnami/redis:7", "bitnami/postgresql:16");
    docs.push(POD.replace("bitnami/redis:7", "bitnami/kafka:3"));
    const big = docs.join("---\n");
    expect(big.length).toBeGreaterThan(MAX_FILE_BYTES);
    const lineOf = (needle: string) => big.slice(0, big.indexOf(needle)).split("\n").length;
    const result = runCheck(
      repo({ "install.yaml": big, "values.yaml": `#${"x".repeat(MAX_FILE_BYTES)}` }),
    );
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      `install.yaml:${lineOf("bitnami/redis:7")}:14 bitnami-image`,
      `install.yaml:${lineOf("bitnami/postgresql:16")}:14 bitnami-image`,
      `install.yaml:${lineOf("bitnami/kafka:3")}:14 bitnami-image`,
    ]);
    const mib = (big.length / 1024 / 1024).toFixed(1);
    expect(result.notes).toEqual([
      { file: "install.yaml", message: `${mib} MiB: read document by document` },
      // Any other type is still skipped: a values file that large is generated.
      { file: "values.yaml", message: "skipped: 2.0 MiB is over the 2 MiB limit" },
    ]);
    expect(result.filesChecked).toBe(1);
  });

  it("leaves out, with a note, a single document over 16 MiB and reads the others", () => {
    const huge = `kind: ConfigMap\ndata:\n${"  k: x\n".repeat(Math.ceil(MAX_DOCUMENT_CHARS / 7) + 1)}`;
    const big = `${POD}---\n${huge}---\n${POD}`;
    const result = runCheck(repo({ "bundle.yaml": big }));
    const last = big.split("\n").length - 1;
    expect(result.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual([
      "4 bitnami-image",
      `${last} bitnami-image`,
    ]);
    expect(result.notes.map((n) => n.message)).toEqual([
      expect.stringMatching(/^\d+\.\d MiB: read document by document$/),
      "the document at line 5 is over 16 MiB: not read",
    ]);
  });

  it("survives empty files, pathological nesting, aliases and odd YAML", () => {
    const dir = repo({
      "empty.yaml": "",
      "dashes.yaml": "---\n---\n",
      "deep.yaml": `image: bitnami/x\n${"[".repeat(50_000)}`,
      "deep2.yaml": `x: ${"{a: ".repeat(5000)}bitnami${"}".repeat(5000)}\n`,
      "aliases.yaml":
        "a: &a {image: bitnami/redis:7}\nb: *a\nc: [*a, *a]\n? [complex, key]\n: image\n",
      "tags.yaml": "image: !!binary aGVsbG8=\nother: !custom bitnami/x\n",
    });
    const result = runCheck(dir);
    expect(result.findings.filter((f) => f.ruleId === "internal-error")).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === "bitnami-image").map((f) => f.file)).toEqual([
      "aliases.yaml",
    ]);
  });

  it("checks a single file given as the path, typed by where it lives", () => {
    const dir = repo({
      "chart/Chart.yaml": "name: app\n",
      "chart/templates/x.yaml": "{{- if x }}\nimage: bitnami/redis:7\n",
    });
    expect(
      runCheck(join(dir, "chart/templates/x.yaml")).findings.map((f) => `${f.file}:${f.line}`),
    ).toEqual(["x.yaml:2"]);
    const result = runCheck(join(dir, "chart/Chart.yaml"));
    expect(result.filesChecked).toBe(1);
    writeFileSync(join(dir, "README.md"), "bitnami/redis");
    expect(runCheck(join(dir, "README.md")).notes).toEqual([
      { file: "README.md", message: "skipped: no rule reads this kind of file" },
    ]);
  });

  it("refuses a path that does not exist (bad usage, exit 2)", () => {
    expect(() => runCheck("/nonexistent/parity")).toThrow(UsageError);
  });

  // Root reads any directory: the case exists only for ordinary users.
  it.skipIf(process.getuid?.() === 0)("reports a directory it cannot read as a note", () => {
    const dir = repo({ "pod.yaml": POD, "locked/pod.yaml": POD });
    chmodSync(join(dir, "locked"), 0o000);
    try {
      const result = runCheck(dir);
      expect(result.findings.map((f) => f.file)).toEqual(["pod.yaml"]);
      expect(result.notes).toEqual([
        { file: "locked", message: "skipped: cannot read the directory (EACCES)" },
      ]);
    } finally {
      chmodSync(join(dir, "locked"), 0o755);
    }
  });
});

/** Backticks around nothing, a placeholder, or a value that is not one. */
const UNREADABLE = /``|`\s+`|`\?`|`(?:undefined|null|\[object Object\])`|\{\{/;

describe("messages where a value is templated or missing", () => {
  it("name what they lack instead of printing empty or placeholder values", () => {
    const nameless = code(`
      apiVersion: apps/v1
      kind: Deployment
      spec:
        replicas: 2
        template:
          spec:
            initContainers:
              - image: ghcr.io/x/app:1
                command: ["sh", "-c", "npm run migrate"]
            containers:
              - image: rabbitmq:4.2.2
              - image: postgres:18.1
                readinessProbe: {exec: {command: [pg_isready]}}
                volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
              - image: redis:latest
              - image: bitnami/redis:7.2
                env: [{name: DATABASE_URL, value: "postgres://app:s3cret@localhost:5432/app"}]
            volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
      ---
      kind: Secret
      stringData: {url: "redis://:hunter2@cache:6379/0"}
    `);
    // The same objects as a chart's template that does not render: its values read as nothing.
    const templated = nameless
      .replace(
        "kind: Deployment\n",
        'kind: Deployment\nmetadata:\n  name: {{ include "x.name" . }}\n',
      )
      .replace(/^( *)- image: (\S+)$/gm, "$1- name: {{ .Values.name }}\n$1  image: $2")
      .replace("kind: Secret\n", "kind: Secret\nmetadata:\n  name: {{ .Release.Name }}\n");
    const dir = repo({
      "k8s/all.yaml": nameless,
      // No Chart.yaml: a templates/ file of an unknown chart is read tolerantly.
      "chart/templates/all.yaml": templated,
    });
    const result = runCheck(dir, { helm: false });
    const files = new Set(result.findings.map((f) => f.file));
    expect(files).toEqual(new Set(["k8s/all.yaml", "chart/templates/all.yaml"]));
    const rules = new Set(result.findings.map((f) => f.ruleId));
    for (const rule of [
      "rabbitmq-deployment",
      "stateful-readiness-probe",
      "pg-isready-without-host",
      "postgres-data-path",
      "stateful-image-tag",
      "bitnami-image",
      "plaintext-credentials",
      "migration-in-init-container",
    ]) {
      expect(rules, rule).toContain(rule);
    }
    for (const f of result.findings) {
      expect(`${f.message} ${f.advice}`, `${f.file}:${f.line} ${f.ruleId}`).not.toMatch(UNREADABLE);
    }
    const messages = result.findings.map((f) => f.message).join("\n");
    expect(messages).toContain("a Deployment with no name");
    expect(messages).toContain("a container with no name");
    expect(messages).toContain("A Secret with no name");
    expect(messages).toContain("a Deployment with a templated name");
    expect(messages).toContain("a container with a templated name");
    expect(messages).toContain("A Secret with a templated name");
  });
});
