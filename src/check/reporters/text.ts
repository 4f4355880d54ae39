import type { CheckResult, Finding } from "../types.js";
import { summarize } from "./summary.js";

export interface TextOptions {
  /** Prepended to every path, so that `file:line:col` opens from the current directory. */
  pathPrefix?: string;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * For people: findings grouped by file, each as `file:line:col  severity  rule  message` with its
 * advice below, then a summary and the notes about skipped files.
 */
export function formatText(result: CheckResult, options: TextOptions = {}): string {
  const prefix = options.pathPrefix ?? "";
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push(`${prefix}${file}`);
    for (const f of findings) {
      const where = `${prefix}${f.file}:${f.line}:${f.column}`;
      out.push(`  ${where}  ${f.severity.padEnd(7)}  ${f.ruleId}  ${f.message}`);
      out.push(`      ${f.advice}`);
      if (f.fix) out.push(`      fix: ${f.fix.description} (parity check --fix)`);
    }
    out.push("");
  }
  const s = summarize(result);
  const problems = s.errors + s.warnings;
  const fixable = result.findings.filter((f) => f.fix).length;
  out.push(
    problems
      ? `${plural(problems, "problem")} (${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}) in ${plural(s.filesWithFindings, "file")}; ${plural(s.filesChecked, "file")} checked`
      : `no problems; ${plural(s.filesChecked, "file")} checked`,
  );
  if (fixable) out.push(`${fixable} of them can be fixed with \`parity check --fix\``);
  for (const note of result.notes) out.push(`note: ${prefix}${note.file}: ${note.message}`);
  return out.join("\n");
}
