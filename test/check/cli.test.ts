import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parity } from "../helpers/cli.js";
import { RULES } from "../../src/check/rules/index.js";
import { helmBinary } from "../helpers/helm.js";
import { EXPECTED, FIXTURE, repo } from "./helpers.js";

/** The fixture's charts are checked as they render, with a real helm. */
const HELM = { PARITY_HELM: helmBinary() };

const CLEAN = { "k8s/pod.yaml": "kind: Pod\nspec:\n  containers:\n    - image: postgres:18.1\n" };
const WARNINGS_ONLY = {
  "k8s/pod.yaml":
    "kind: Pod\nspec:\n  containers:\n    - image: bitnamilegacy/redis:7\n    - image: bitnamilegacy/kafka:3.9\n",
};

/** The real binary, as CI runs it. */
describe("parity check", () => {
  it("exits 1 on the fixture and prints findings grouped by file, relative to the current directory", () => {
    const cwd = process.cwd();
    const result = parity(["check", FIXTURE], cwd, HELM);
    expect(result.code).toBe(1);
    const prefix = relative(cwd, FIXTURE);
    expect(result.stdout).toContain(
      `\n${prefix}/charts/shop/Chart.yaml\n  ${prefix}/charts/shop/Chart.yaml:10:17  error    bitnami-chart  `,
    );
    expect(result.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      "50 problems (37 errors, 13 warnings) in 16 files; 16 files checked",
      "1 of them can be fixed with `parity check --fix`",
      `note: ${prefix}/charts/shop/Chart.yaml: rendered without its dependencies postgresql, redis, rabbitmq, cloudnative-pg (not in charts/: \`helm dependency build\` fetches them)`,
    ]);
  });

  it("checks the current directory by default and exits 0 when clean", () => {
    const result = parity(["check"], repo(CLEAN));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.trim()).toBe("no problems; 1 file checked");
  });

  it("--format json prints the expected document", () => {
    const result = parity(["check", "--format", "json", "."], FIXTURE, HELM);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  });

  it("--format sarif prints SARIF 2.1.0", () => {
    const result = parity(["check", FIXTURE, "--format", "sarif"], process.cwd());
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run = sarif.runs[0];
    expect(run.tool.driver.version).toBe("0.1.0");
    // Every registered rule, then the scanner's own diagnostics.
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      ...RULES.map((r) => r.meta.id),
      "parse-error",
      "internal-error",
    ]);
    expect(run.results).toHaveLength(JSON.parse(readFileSync(EXPECTED, "utf8")).findings.length);
    expect(run.results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: ".github/workflows/ci.yml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 6, startColumn: 16, endLine: 6, endColumn: 37 },
    });
  });

  it("--max-warnings N fails only when warnings exceed N", () => {
    const dir = repo(WARNINGS_ONLY);
    expect(parity(["check"], dir).code).toBe(0);
    expect(parity(["check", "--max-warnings", "2"], dir).code).toBe(0);
    expect(parity(["check", "--max-warnings", "1"], dir).code).toBe(1);
    expect(parity(["check", "--max-warnings=0"], dir).code).toBe(1);
  });

  it("--rule changes levels, repeatably", () => {
    const off = parity(
      [
        "check",
        FIXTURE,
        "--rule",
        "bitnami-image=off",
        "--rule",
        "bitnami-chart=off",
        "--rule",
        "tilt-helm-chart-deps-ignore=off",
      ],
      process.cwd(),
    );
    expect(off.code).toBe(0);
    const dir = repo(WARNINGS_ONLY);
    expect(parity(["check", "--rule", "bitnami-image=error"], dir).code).toBe(1);
  });

  it.each([
    [["check", "--format", "xml"], /--format must be text, json, sarif or github, not "xml"/],
    [["check", "--rule", "nope=off"], /unknown rule "nope"/],
    [["check", "--rule", "bitnami-image"], /expected ID=off\|warning\|error/],
    [["check", "--max-warnings", "many"], /--max-warnings must be a whole number, not "many"/],
    [["check", "--max-warnings", "-1"], /--max-warnings must be a whole number/],
    [["check", "no/such/dir"], /no\/such\/dir: no such file or directory/],
    [["check", "--no-such-option"], /unknown option/],
  ])("exits 2 on bad usage: %j", (args, message) => {
    const result = parity(args, repo(CLEAN));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("exits 2 on a bad .paritycheck.yaml, with its position", () => {
    const result = parity(
      ["check"],
      repo({ ...CLEAN, ".paritycheck.yaml": "rules:\n  nope: off\n" }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\.paritycheck\.yaml:2:9: unknown rule "nope"/);
  });
});
