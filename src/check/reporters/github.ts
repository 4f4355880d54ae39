import type { CheckResult } from "../types.js";

export interface GithubOptions {
  /** Prepended to every path: GitHub resolves them from the workspace (the repository root). */
  pathPrefix?: string;
}

/** A workflow command's message: `%`, CR and LF escaped, as the runner reads them back. */
const data = (text: string) =>
  text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
/** A property value: also `:` and `,`, which end it. */
const property = (text: string) => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

/**
 * GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding, shown
 * on the pull request's diff at the finding's lines, and a `::notice` per note.
 */
export function formatGithub(result: CheckResult, options: GithubOptions = {}): string {
  const prefix = options.pathPrefix ?? "";
  const lines = result.findings.map((f) => {
    const where = [
      `file=${property(prefix + f.file)}`,
      `line=${f.line}`,
      `endLine=${f.endLine}`,
      `col=${f.column}`,
      // GitHub shows a column range only on one line.
      ...(f.endLine === f.line ? [`endColumn=${f.endColumn}`] : []),
      `title=${property(`parity check: ${f.ruleId}`)}`,
    ].join(",");
    return `::${f.severity} ${where}::${data(`${f.message}\n${f.advice}`)}`;
  });
  for (const note of result.notes) {
    lines.push(
      `::notice file=${property(prefix + note.file)},title=parity check::${data(note.message)}`,
    );
  }
  return lines.join("\n");
}
