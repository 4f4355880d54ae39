import { describe, expect, it } from "vitest";
import { formatJson } from "../../src/check/reporters/json.js";
import { checkSource } from "../../src/check/scan.js";
import { SourceFile } from "../../src/check/source.js";
import type { CheckResult, Rule, RuleFinding } from "../../src/check/types.js";

/** A rule for tests: reports `needle` wherever it occurs, counting its calls. */
function needleRule(
  overrides: Partial<Rule> = {},
  extra: Partial<RuleFinding> = {},
): Rule & { calls: number } {
  const rule = {
    calls: 0,
    meta: {
      id: "needle",
      severity: "error",
      description: "d",
      docs: "docs",
      advice: "general advice",
    },
    fileTypes: ["manifest"],
    triggers: ["needle"],
    *check(file: SourceFile) {
      rule.calls++;
      file.yaml();
      for (const m of file.text.matchAll(/needle/g)) {
        yield { start: m.index, end: m.index + 6, message: "found a needle", ...extra };
      }
    },
    ...overrides,
  } as Rule & { calls: number };
  return rule;
}

const source = (text: string, type: SourceFile["type"] = "manifest") =>
  new SourceFile("f.yaml", type, text);

describe("the scanner's contract with rules", () => {
  it("gives a rule only the file types it names, and only files holding a trigger word", () => {
    const rule = needleRule();
    checkSource(source("a: hay\n"), { rules: [rule] });
    checkSource(source("needle", "dockerfile"), { rules: [rule] });
    expect(rule.calls).toBe(0);
    checkSource(source("a: needle\n"), { rules: [rule] });
    expect(rule.calls).toBe(1);
  });

  it("parses a file at most once for all rules, and only on a rule's request", () => {
    const seen: unknown[] = [];
    const capture = (id: string) =>
      needleRule({
        meta: { ...needleRule().meta, id },
        check(file: SourceFile) {
          seen.push(file.yaml());
          return [];
        },
      });
    checkSource(source("a: needle\n"), { rules: [capture("one"), capture("two")] });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    // No rule asks: invalid YAML is never parsed, so never reported.
    const lines = needleRule({ check: () => [] });
    expect(checkSource(source("a: [needle\n"), { rules: [lines] })).toEqual([]);
  });

  it("locates findings: 1-based line and column of the offending text, and its end", () => {
    const [f] = checkSource(source("a: 1\nb: x needle\n"), { rules: [needleRule()] });
    expect(f).toEqual({
      ruleId: "needle",
      severity: "error",
      file: "f.yaml",
      line: 2,
      column: 6,
      endLine: 2,
      endColumn: 12,
      message: "found a needle",
      advice: "general advice",
    });
  });

  it("takes the configured level over the finding's own severity over the rule's default", () => {
    const own = needleRule({}, { severity: "warning", advice: "specific advice" });
    const [f] = checkSource(source("needle"), { rules: [own] });
    expect([f!.severity, f!.advice]).toEqual(["warning", "specific advice"]);
    const [g] = checkSource(source("needle"), {
      rules: [own],
      levels: new Map([["needle", "error"]]),
    });
    expect(g!.severity).toBe("error");
    expect(
      checkSource(source("needle"), { rules: [own], levels: new Map([["needle", "off"]]) }),
    ).toEqual([]);
  });

  it("carries a rule's fix through to the JSON report", () => {
    const fix = { description: "thread it", edits: [{ range: [0, 6] as const, text: "thread" }] };
    const rule = needleRule({}, { fix });
    const findings = checkSource(source("needle"), { rules: [rule] });
    expect(findings[0]!.fix).toEqual(fix);
    const result: CheckResult = { root: "/r", rules: [], filesChecked: 1, findings, notes: [] };
    expect(JSON.parse(formatJson(result)).findings[0].fix).toEqual({
      description: "thread it",
      edits: [{ range: [0, 6], text: "thread" }],
    });
  });

  it("turns a rule that throws into an internal-error finding; the others still run", () => {
    const broken = needleRule({
      meta: { ...needleRule().meta, id: "broken" },
      check: () => {
        throw new Error("boom");
      },
    });
    const findings = checkSource(source("needle"), { rules: [broken, needleRule()] });
    expect(findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ["internal-error", "warning", "broken failed on this file: boom"],
      ["needle", "error", "found a needle"],
    ]);
  });

  it("adds one parse-error when a rule asked for YAML that is invalid", () => {
    const findings = checkSource(source("a: [needle\nb: 1\n"), { rules: [needleRule()] });
    expect(findings.map((f) => f.ruleId)).toEqual(["needle", "parse-error"]);
    expect(findings[1]).toMatchObject({ severity: "warning", line: 2, column: 1 });
  });
});
