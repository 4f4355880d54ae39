import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/check/classify.js";
import { checkText, type ScanOptions } from "../../src/check/scan.js";
import { applyEdits } from "../../src/check/fix.js";
import type { FileType, Finding, Rule, Severity, TextEdit } from "../../src/check/types.js";

/** The fixture repository and its committed findings. */
export const FIXTURE = join(import.meta.dirname, "..", "fixtures", "check", "tilt-helm");
export const EXPECTED = `${FIXTURE}.expected.json`;

/** Strips the first line break and the common indentation, so cases read like the files. */
export function code(text: string): string {
  const body = text.replace(/^\n/, "").replace(/\n[ \t]*$/, "\n");
  const indents = body
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => /^ */.exec(l)![0].length);
  const strip = Math.min(...indents);
  return body
    .split("\n")
    .map((l) => l.slice(strip))
    .join("\n");
}

/** The type a path gets in a repository where every templates/ directory belongs to a chart. */
export function typeOf(path: string): FileType {
  const type = classify(path, () => true);
  if (!type) throw new Error(`${path}: no rule reads such a file`);
  return type;
}

/** Checks text as the file at `path`. */
export function check(path: string, text: string, options: ScanOptions = {}): Finding[] {
  return checkText(path, typeOf(path), text, options);
}

export interface ValidCase {
  path: string;
  code: string;
  name?: string;
}

export interface ExpectedFinding {
  line: number;
  column: number;
  severity: Severity;
  /** Substring or pattern the message must match. */
  message?: string | RegExp;
  /** Substring or pattern the advice must match. */
  advice?: string | RegExp;
  /** The exact offending text, when it fits on one line: [column, endColumn) of that line. */
  text?: string;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /**
   * The file after `--fix` applied the findings' fixes, which must leave only the findings
   * without a fix; null: no fix is offered. Unset: not asserted.
   */
  output?: string | null;
}

/**
 * ESLint's RuleTester for parity check: valid cases produce no finding at all, invalid cases
 * exactly the listed findings of this rule, in order, at these lines and columns.
 */
export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const options = { rules: [rule] };
  describe(`${rule.meta.id}: valid`, () => {
    it.each(cases.valid.map((c) => [c.name ?? c.path, c] as const))("%s", (_, c) => {
      expect(check(c.path, c.code, options)).toEqual([]);
    });
  });
  describe(`${rule.meta.id}: invalid`, () => {
    it.each(cases.invalid.map((c) => [c.name ?? c.path, c] as const))("%s", (_, c) => {
      const found = check(c.path, c.code, options);
      const summary = found.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message}`);
      expect(found.map((f) => f.ruleId)).toEqual(c.errors.map(() => rule.meta.id));
      c.errors.forEach((e, i) => {
        const f = found[i]!;
        expect(
          { line: f.line, column: f.column, severity: f.severity },
          summary.join("\n"),
        ).toEqual({ line: e.line, column: e.column, severity: e.severity });
        if (e.message) expect(f.message).toMatch(e.message);
        if (e.advice) expect(f.advice).toMatch(e.advice);
        if (e.text) {
          const line = c.code.replace(/\r/g, "").split("\n")[f.line - 1]!;
          expect(f.endLine).toBe(f.line);
          expect(line.slice(f.column - 1, f.endColumn - 1)).toBe(e.text);
        }
      });
      if (c.output === null) expect(found.filter((f) => f.fix)).toEqual([]);
      else if (c.output !== undefined) {
        const fixed = fixText(c.path, c.code, found);
        expect(fixed).toBe(c.output);
        // The fixed findings are gone; those without a fix remain.
        const left = check(c.path, fixed, options);
        expect(left.filter((f) => f.fix)).toEqual([]);
        expect(left).toHaveLength(found.filter((f) => !f.fix).length);
      }
    });
  });
}

/** A file's text with its findings' fixes applied, as `--fix` applies them (each fix once). */
export function fixText(path: string, text: string, findings: readonly Finding[]): string {
  const changed = fixFiles({ [path]: text }, findings);
  expect(
    Object.keys(changed).filter((file) => file !== path),
    "fixes of other files",
  ).toEqual([]);
  return changed[path] ?? text;
}

/** The files the findings' fixes change, with the fixes applied (each fix once). */
export function fixFiles(
  files: Record<string, string>,
  found: readonly Finding[],
): Record<string, string> {
  const byFile = new Map<string, Map<string, TextEdit>>();
  for (const f of found) {
    for (const edit of f.fix?.edits ?? []) {
      const file = edit.file ?? f.file;
      if (!byFile.has(file)) byFile.set(file, new Map());
      byFile.get(file)!.set(JSON.stringify(edit), edit);
    }
  }
  return Object.fromEntries(
    [...byFile].map(([file, edits]) => [file, applyEdits(files[file] ?? "", [...edits.values()])]),
  );
}

/** A temporary repository with these files (string contents or raw bytes). */
export function repo(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), "parity-check-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
