import { describe, expect, it } from "vitest";
import { loadConfigFile, parseRuleOptions } from "../../src/check/config.js";
import { compileGlob } from "../../src/check/glob.js";
import { runCheck } from "../../src/check/index.js";
import { UsageError } from "../../src/errors.js";
import { check, code, repo } from "./helpers.js";

const KNOWN = new Set(["bitnami-image", "bitnami-chart", "parse-error"]);
const POD = "kind: Pod\nspec:\n  containers:\n    - image: bitnami/redis:7\n";
const INSTALL = "helm install cache bitnami/redis\n";

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("--rule ID=LEVEL", () => {
  it("parses, later values winning", () => {
    const levels = parseRuleOptions(
      ["bitnami-image=off", "bitnami-chart=warning", "bitnami-image=error"],
      KNOWN,
    );
    expect([...levels]).toEqual([
      ["bitnami-image", "error"],
      ["bitnami-chart", "warning"],
    ]);
  });

  it.each([
    ["nope=off", /unknown rule "nope" \(rules: bitnami-image, bitnami-chart, parse-error\)/],
    ["bitnami-image=loud", /must be off, warning or error, not "loud"/],
    ["bitnami-image", /expected ID=off\|warning\|error/],
  ])("rejects %s", (value, message) => {
    expect(usageError(() => parseRuleOptions([value], KNOWN)).message).toMatch(message);
  });

  it("turns a rule off, or changes the severity of all its findings", () => {
    const dir = repo({ "pod.yaml": POD, "install.sh": INSTALL });
    expect(runCheck(dir, { rules: ["bitnami-image=off"] }).findings.map((f) => f.ruleId)).toEqual([
      "bitnami-chart",
    ]);
    const severities = runCheck(dir, {
      rules: ["bitnami-image=warning", "bitnami-chart=warning"],
    }).findings.map((f) => f.severity);
    expect(severities).toEqual(["warning", "warning"]);
  });
});

describe(".paritycheck.yaml", () => {
  it("sets levels and ignores paths; --rule wins over it", () => {
    const dir = repo({
      ".paritycheck.yaml":
        "rules:\n  bitnami-chart: off\n  bitnami-image: warning\nignore:\n  - legacy/\n",
      "pod.yaml": POD,
      "install.sh": INSTALL,
      "legacy/pod.yaml": POD,
    });
    const result = runCheck(dir);
    expect(result.findings.map((f) => [f.file, f.ruleId, f.severity])).toEqual([
      ["pod.yaml", "bitnami-image", "warning"],
    ]);
    expect(result.rules.find((r) => r.id === "bitnami-chart")?.level).toBe("off");
    const overridden = runCheck(dir, { rules: ["bitnami-chart=error"] });
    expect(overridden.findings.map((f) => f.ruleId)).toEqual(["bitnami-chart", "bitnami-image"]);
  });

  it("is optional, may be empty, and may be .yml", () => {
    expect(loadConfigFile(repo({}), KNOWN)).toEqual({ levels: new Map(), ignore: [] });
    expect(loadConfigFile(repo({ ".paritycheck.yaml": "# nothing yet\n" }), KNOWN).ignore).toEqual(
      [],
    );
    expect(loadConfigFile(repo({ ".paritycheck.yml": "ignore: [a/]\n" }), KNOWN).ignore).toEqual([
      "a/",
    ]);
  });

  it.each([
    ["rules:\n  nope: off\n", /^\.paritycheck\.yaml:2:9: unknown rule "nope"/],
    [
      "rules:\n  bitnami-image: loud\n",
      /^\.paritycheck\.yaml:2:18: level of bitnami-image must be/,
    ],
    [
      "rule:\n  bitnami-image: off\n",
      /^\.paritycheck\.yaml:1:1: unknown key "rule" \(expected rules, ignore\)/,
    ],
    ["ignore: legacy/\n", /^\.paritycheck\.yaml:1:9: ignore must be a list/],
    ["ignore:\n  - 3\n", /^\.paritycheck\.yaml:2:5: ignore entries must be glob strings/],
    ["rules: [\n", /^\.paritycheck\.yaml:2:1: /],
    ["- a\n", /^\.paritycheck\.yaml:1:1: expected a mapping/],
  ])("reports a bad file with its position: %j", (text, message) => {
    const dir = repo({ ".paritycheck.yaml": text });
    expect(usageError(() => runCheck(dir)).message).toMatch(message);
  });
});

describe("ignore globs", () => {
  it.each([
    ["legacy/", "legacy", true, true],
    ["legacy/", "legacy", false, false],
    ["legacy/", "a/legacy", true, true],
    ["/legacy", "a/legacy", true, false],
    ["*.generated.yaml", "deep/dir/x.generated.yaml", false, true],
    ["charts/*/values.yaml", "charts/a/values.yaml", false, true],
    ["charts/*/values.yaml", "charts/a/b/values.yaml", false, false],
    ["charts/**/values.yaml", "charts/a/b/values.yaml", false, true],
    ["charts/**/values.yaml", "charts/values.yaml", false, true],
    ["values-?.yaml", "values-a.yaml", false, true],
    ["values-{dev,prod}.yaml", "x/values-prod.yaml", false, true],
    ["values-{dev,prod}.yaml", "values-test.yaml", false, false],
    ["./k8s/**", "k8s/a/b.yaml", false, true],
    ["a.b", "aXb", false, false],
  ])("%s against %s (directory %s): %s", (pattern, path, isDirectory, expected) => {
    expect(compileGlob(pattern).matches(path, isDirectory)).toBe(expected);
  });

  it("skips ignored files and whole ignored directories", () => {
    const dir = repo({
      ".paritycheck.yaml": "ignore:\n  - '*.generated.yaml'\n  - third_party/**\n",
      "a.generated.yaml": POD,
      "third_party/x/pod.yaml": POD,
      "kept.yaml": POD,
    });
    expect(runCheck(dir).findings.map((f) => f.file)).toEqual(["kept.yaml"]);
  });
});

describe("suppression comments", () => {
  const found = (text: string) => check("scripts/x.sh", text).map((f) => `${f.line}:${f.ruleId}`);

  it("disable-next-line suppresses the named rules on the next line only", () => {
    const text = code(`
      # parity-check-disable-next-line bitnami-chart
      helm install a bitnami/redis --set image.repository=bitnami/redis
      helm install b bitnami/redis
    `);
    expect(found(text)).toEqual(["2:bitnami-image", "3:bitnami-chart"]);
  });

  it("takes a comma-separated list and a -- reason", () => {
    const text = code(`
      # parity-check-disable-next-line bitnami-chart, bitnami-image -- migrating in #42
      helm install a bitnami/redis --set image.repository=bitnami/redis
    `);
    expect(found(text)).toEqual([]);
  });

  it("disable-line works at the end of the line itself", () => {
    const text = "helm install a bitnami/redis # parity-check-disable-line bitnami-chart\n";
    expect(found(text)).toEqual([]);
    expect(
      found("helm install a bitnami/redis # parity-check-disable-line bitnami-image\n"),
    ).toEqual(["1:bitnami-chart"]);
  });

  it("without rule names suppresses every rule", () => {
    expect(found("# parity-check-disable-next-line\nhelm install a bitnami/redis\n")).toEqual([]);
  });

  it("works in YAML, Dockerfiles and Tiltfiles alike", () => {
    expect(
      check(
        "k8s/pod.yaml",
        `# parity-check-disable-next-line bitnami-image\n${POD.split("\n")[3]}\n`,
      ),
    ).toEqual([]);
    expect(
      check("Dockerfile", "# parity-check-disable-next-line bitnami-image\nFROM bitnami/node:22\n"),
    ).toEqual([]);
    expect(
      check("Tiltfile", "helm_resource('a', 'bitnami/redis')  # parity-check-disable-line\n"),
    ).toEqual([]);
  });
});
