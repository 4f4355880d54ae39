import type { CheckResult, Finding } from "../types.js";
import { summarize } from "./summary.js";

export interface TextOptions {
  /** Prepended to every path, so that `file:line:col` opens from the current directory. */
  pathPrefix?: string;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * A value on one line: line breaks, tabs and other control characters (a file name can hold
 * them, a message can quote them) written as escapes, so a finding is always one line.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === "\n"
      ? "\\n"
      : c === "\r"
        ? "\\r"
        : c === "\t"
          ? "\\t"
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

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
    out.push(oneLine(`${prefix}${file}`));
    for (const f of findings) {
      const where = oneLine(`${prefix}${f.file}:${f.line}:${f.column}`);
      out.push(`  ${where}  ${f.severity.padEnd(7)}  ${f.ruleId}  ${oneLine(f.message)}`);
      out.push(`      ${oneLine(f.advice)}`);
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
  for (const note of result.notes)
    out.push(oneLine(`note: ${prefix}${note.file}: ${note.message}`));
  return out.join("\n");
}
