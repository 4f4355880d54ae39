import { describe, expect, it } from "vitest";
import { formatJson } from "../../src/check/reporters/json.js";
import { formatSarif, SARIF_SCHEMA } from "../../src/check/reporters/sarif.js";
import { formatText } from "../../src/check/reporters/text.js";
import type { CheckResult, Finding } from "../../src/check/types.js";

const finding = (
  file: string,
  line: number,
  severity: Finding["severity"],
  ruleId: string,
): Finding => ({
  ruleId,
  severity,
  file,
  line,
  column: 3,
  endLine: line,
  endColumn: 10,
  message: `message ${file}:${line}`,
  advice: `advice ${line}`,
});

const result: CheckResult = {
  root: "/repo/my app",
  rules: [
    {
      id: "rule-a",
      severity: "error",
      description: "A short",
      docs: "A long",
      advice: "A help",
      level: "error",
    },
    {
      id: "rule-b",
      severity: "warning",
      description: "B short",
      docs: "B long",
      advice: "B help",
      level: "off",
    },
  ],
  filesChecked: 4,
  findings: [
    finding("a.yaml", 1, "error", "rule-a"),
    finding("a.yaml", 7, "warning", "rule-b"),
    finding("dir with space/b.sh", 2, "error", "rule-a"),
  ],
  notes: [{ file: "big.yaml", message: "skipped: 3.0 MiB is over the 2 MiB limit" }],
};

const empty: CheckResult = { ...result, findings: [], notes: [] };

describe("text reporter", () => {
  const text = formatText(result, { pathPrefix: "sub/" });

  it("groups findings under one header per file, in order, as file:line:col", () => {
    const lines = text.split("\n");
    expect(lines.filter((l) => l === "sub/a.yaml")).toHaveLength(1);
    const header = lines.indexOf("sub/a.yaml");
    expect(lines[header + 1]).toBe("  sub/a.yaml:1:3  error    rule-a  message a.yaml:1");
    expect(lines[header + 2]).toBe("      advice 1");
    expect(lines[header + 3]).toBe("  sub/a.yaml:7:3  warning  rule-b  message a.yaml:7");
    expect(lines.indexOf("sub/dir with space/b.sh")).toBeGreaterThan(header + 3);
  });

  it("ends with the counts and the notes", () => {
    expect(text).toContain("3 problems (2 errors, 1 warning) in 2 files; 4 files checked");
    expect(text.split("\n").at(-1)).toBe(
      "note: sub/big.yaml: skipped: 3.0 MiB is over the 2 MiB limit",
    );
  });

  it("says so when there is nothing", () => {
    expect(formatText(empty)).toBe("no problems; 4 files checked");
  });
});

describe("JSON reporter", () => {
  it("is a versioned document of findings and notes, without the machine's root", () => {
    const doc = JSON.parse(formatJson(result));
    expect(Object.keys(doc)).toEqual(["version", "summary", "findings", "notes"]);
    expect(doc.version).toBe(1);
    expect(doc.summary).toEqual({ errors: 2, warnings: 1, filesChecked: 4 });
    expect(doc.findings[0]).toEqual(result.findings[0]);
    expect(Object.keys(doc.findings[0]).sort()).toEqual(
      [
        "advice",
        "column",
        "endColumn",
        "endLine",
        "file",
        "line",
        "message",
        "ruleId",
        "severity",
      ].sort(),
    );
    expect(doc.notes).toEqual(result.notes);
    expect(JSON.stringify(doc)).not.toContain("/repo");
  });
});

describe("SARIF reporter", () => {
  const sarif = JSON.parse(formatSarif(result, { version: "9.9.9" }));
  const run = sarif.runs[0];

  it("is SARIF 2.1.0 with its schema", () => {
    expect(sarif.$schema).toBe(SARIF_SCHEMA);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs).toHaveLength(1);
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe("file:///repo/my%20app/");
  });

  it("describes the tool and every rule", () => {
    expect(run.tool.driver.name).toBe("parity check");
    expect(run.tool.driver.version).toBe("9.9.9");
    expect(run.tool.driver.rules).toEqual([
      {
        id: "rule-a",
        shortDescription: { text: "A short" },
        fullDescription: { text: "A long" },
        help: { text: "A help" },
        defaultConfiguration: { level: "error" },
      },
      {
        id: "rule-b",
        shortDescription: { text: "B short" },
        fullDescription: { text: "B long" },
        help: { text: "B help" },
        defaultConfiguration: { level: "warning" },
      },
    ]);
  });

  it("has one result per finding, located relative to the root", () => {
    expect(run.results).toHaveLength(3);
    expect(run.results[1]).toEqual({
      ruleId: "rule-b",
      ruleIndex: 1,
      level: "warning",
      message: { text: "message a.yaml:7. advice 7" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "a.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 7, startColumn: 3, endLine: 7, endColumn: 10 },
          },
        },
      ],
    });
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^(\/|file:)/);
    }
    expect(run.results[2].locations[0].physicalLocation.artifactLocation.uri).toBe(
      "dir%20with%20space/b.sh",
    );
  });

  it("reports notes as tool execution notifications", () => {
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: "note",
        message: { text: "skipped: 3.0 MiB is over the 2 MiB limit" },
        locations: [
          { physicalLocation: { artifactLocation: { uri: "big.yaml", uriBaseId: "%SRCROOT%" } } },
        ],
      },
    ]);
  });
});
