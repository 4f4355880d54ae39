import type { SourceFile } from "./source.js";

/** Rules suppressed on a line; `"all"` when a directive names none. */
export type Suppressed = ReadonlyMap<number, ReadonlySet<string> | "all">;

const DIRECTIVE = /#\s*parity-check-disable-(next-line|line)\b([^#\n]*)/;

/**
 * The suppression comments of a file, as linters have them:
 * `# parity-check-disable-next-line RULE[, RULE]` on the line before, or
 * `# parity-check-disable-line RULE` at the end of the line itself. No rule names: all rules.
 */
export function suppressions(file: SourceFile): Suppressed {
  const out = new Map<number, Set<string> | "all">();
  if (!file.text.includes("parity-check-disable")) return out;
  for (const line of file.lines()) {
    const m = DIRECTIVE.exec(line.text);
    if (!m) continue;
    const target = m[1] === "next-line" ? line.number + 1 : line.number;
    // `-- why` after the rule list is a reason, as in ESLint.
    const ids = m[2]!
      .split(/\s+--\s/)[0]!
      .split(/[\s,]+/)
      .filter(Boolean);
    const existing = out.get(target);
    if (!ids.length || existing === "all") out.set(target, "all");
    else out.set(target, new Set([...(existing ?? []), ...ids]));
  }
  return out;
}

export function isSuppressed(suppressed: Suppressed, line: number, ruleId: string): boolean {
  const entry = suppressed.get(line);
  return entry === "all" || (entry?.has(ruleId) ?? false);
}
