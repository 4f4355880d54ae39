import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { formatGithub } from "../../src/check/reporters/github.js";
import { formatJson } from "../../src/check/reporters/json.js";
import { formatSarif, SARIF_SCHEMA } from "../../src/check/reporters/sarif.js";
import { formatText } from "../../src/check/reporters/text.js";
import { helmBinary } from "../helpers/helm.js";
import { FIXTURE } from "./helpers.js";
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

/** The OASIS SARIF 2.1.0 schema (its final, rtm.5 text, a draft-04 JSON schema). */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const path = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(path, "utf8")) as object;
  // The schema's patterns are ECMA-262 regular expressions without the unicode flag.
  // A CommonJS module: its class is the module itself, and also its `default`.
  const Ajv = AjvDraft04.default;
  return new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false }).compile(
    schema,
  );
}

describe("SARIF against the SARIF 2.1.0 JSON schema", () => {
  const validate = sarifValidator();

  it("rejects a log that breaks it (the validator is live)", () => {
    const log = JSON.parse(formatSarif(result, { version: "9.9.9" }));
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
  });

  it("accepts this log, and a real run's with fixes and templated files", () => {
    for (const checked of [result, empty, runCheck(FIXTURE, { helm: helmBinary() })]) {
      const log = JSON.parse(formatSarif(checked, { version: "9.9.9" }));
      const valid = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
      expect(valid).toBe(true);
    }
  });
});

describe("GitHub annotations", () => {
  it("is one workflow command per finding and note, escaped as the runner reads them", () => {
    const tricky: CheckResult = {
      ...result,
      findings: [
        {
          ...finding("k8s/a,b:c.yaml", 4, "warning", "rule-b"),
          message: "100% `x`\nnext",
          endLine: 5,
        },
      ],
    };
    expect(formatGithub(tricky, { pathPrefix: "sub/" }).split("\n")).toEqual([
      "::warning file=sub/k8s/a%2Cb%3Ac.yaml,line=4,endLine=5,col=3,title=parity check%3A rule-b::100%25 `x`%0Anext%0Aadvice 4",
      "::notice file=sub/big.yaml,title=parity check::skipped: 3.0 MiB is over the 2 MiB limit",
    ]);
    expect(formatGithub(result).split("\n")[0]).toBe(
      "::error file=a.yaml,line=1,endLine=1,col=3,endColumn=10,title=parity check%3A rule-a::message a.yaml:1%0Aadvice 1",
    );
    expect(formatGithub(empty)).toBe("");
  });
});

describe("one line per finding", () => {
  it("escapes line breaks and control characters in paths, messages and notes", () => {
    const odd: CheckResult = {
      ...result,
      findings: [{ ...finding("we\nird\t.yaml", 1, "error", "rule-a"), message: "a\r\nb\u0007" }],
      notes: [{ file: "x\ny", message: "held by node\nserver.js" }],
    };
    const text = formatText(odd);
    expect(text).toContain("we\\nird\\t.yaml:1:3  error    rule-a  a\\r\\nb\\u0007");
    expect(text).toContain("note: x\\ny: held by node\\nserver.js");
    expect(text.split("\n")).toHaveLength(6);
  });
});
