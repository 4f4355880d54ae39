import { pathToFileURL } from "node:url";
import type { Fix as SarifFix, Location, Log, Region } from "sarif";
import type { CheckResult, Fix, RuleLevel } from "../types.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const level = (l: RuleLevel) => (l === "off" ? "none" : l);

/** Relative paths percent-encoded as URI references (spaces, `#`, non-ASCII). */
const uri = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/**
 * SARIF 2.1.0, for code-scanning services (GitHub, GitLab, IDEs): one run, the rules with their
 * texts and default levels, one result per finding located relative to %SRCROOT% (the scanned
 * root), and the notes as tool execution notifications.
 */
export function formatSarif(result: CheckResult, tool: { version: string }): string {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  const location = (file: string, region?: Region): Location => ({
    physicalLocation: {
      artifactLocation: { uri: uri(file), uriBaseId: "%SRCROOT%" },
      ...(region ? { region } : {}),
    },
  });
  // Typed by the SARIF 2.1.0 schema's TypeScript definitions, so the compiler checks the shape.
  const sarif: Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "parity check",
            version: tool.version,
            rules: result.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: r.docs },
              help: { text: r.advice },
              defaultConfiguration: { level: level(r.severity) },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(result.root + "/").href } },
        columnKind: "utf16CodeUnits",
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId),
          level: f.severity,
          message: { text: `${f.message}. ${f.advice}` },
          locations: [
            location(f.file, {
              startLine: f.line,
              startColumn: f.column,
              endLine: f.endLine,
              endColumn: f.endColumn,
            }),
          ],
          ...(f.fix ? { fixes: [sarifFix(f.file, f.fix)] } : {}),
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notes.map((n) => ({
              level: "note",
              message: { text: n.message },
              locations: [location(n.file)],
            })),
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

/** A fix as SARIF's artifact changes: what `--fix` writes, for tools that offer it inline. */
function sarifFix(file: string, fix: Fix): SarifFix {
  const byFile = new Map<string, Fix["edits"][number][]>();
  for (const edit of fix.edits) {
    const target = edit.file ?? file;
    byFile.set(target, [...(byFile.get(target) ?? []), edit]);
  }
  return {
    description: { text: fix.description },
    artifactChanges: [...byFile].map(([target, edits]) => ({
      artifactLocation: { uri: uri(target), uriBaseId: "%SRCROOT%" },
      replacements: edits.map(({ range: [from, to], text }) => ({
        deletedRegion: { charOffset: from, charLength: to - from },
        insertedContent: { text },
      })),
    })),
  };
}
