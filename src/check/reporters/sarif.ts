import { pathToFileURL } from "node:url";
import type { CheckResult, RuleLevel } from "../types.js";

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
  const location = (file: string, region?: object) => ({
    physicalLocation: {
      artifactLocation: { uri: uri(file), uriBaseId: "%SRCROOT%" },
      ...(region ? { region } : {}),
    },
  });
  const sarif = {
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
