import { describe, expect, it } from "vitest";
import { classify } from "../../src/check/classify.js";
import { checkSource } from "../../src/check/scan.js";
import { SourceFile } from "../../src/check/source.js";
import type { Finding, Rule, ScanContext } from "../../src/check/types.js";
import { code, fixFiles, type ExpectedFinding } from "./helpers.js";

/**
 * Checks in-memory files as one run would: every file sees the others through the scan
 * context (`files`), and `read` serves any of them, typed or not (a `.tiltignore`).
 */
export function checkFiles(files: Record<string, string>, rules?: readonly Rule[]): Finding[] {
  const paths = Object.keys(files);
  const isChartDir = (dir: string) => paths.includes(dir ? `${dir}/Chart.yaml` : "Chart.yaml");
  const sources = paths.flatMap((path) => {
    const type = classify(path, isChartDir);
    return type ? [new SourceFile(path, type, files[path]!)] : [];
  });
  const context: ScanContext = {
    files: () => sources,
    read: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
  };
  return sources.flatMap((file) => checkSource(file, { context, ...(rules ? { rules } : {}) }));
}

export interface FilesCase {
  name: string;
  /** Path → contents; contents are dedented like {@link code}. */
  files: Record<string, string>;
}

export interface FilesInvalidCase extends FilesCase {
  errors: (ExpectedFinding & { file: string })[];
  /**
   * The files the findings' fixes change, as `--fix` leaves them (dedented like `files`); the
   * fixed repository must have only the findings without a fix left. Unset: not asserted.
   */
  output?: Record<string, string>;
}

/** {@link testRule} for rules that read several files: each case is a small repository. */
export function testFilesRule(
  rule: Rule,
  cases: { valid: FilesCase[]; invalid: FilesInvalidCase[] },
): void {
  const run = (c: FilesCase) => {
    const files = Object.fromEntries(Object.entries(c.files).map(([p, t]) => [p, code(t)]));
    return { files, found: checkFiles(files, [rule]) };
  };
  describe(`${rule.meta.id}: valid`, () => {
    it.each(cases.valid.map((c) => [c.name, c] as const))("%s", (_, c) => {
      expect(run(c).found).toEqual([]);
    });
  });
  describe(`${rule.meta.id}: invalid`, () => {
    it.each(cases.invalid.map((c) => [c.name, c] as const))("%s", (_, c) => {
      const { files, found } = run(c);
      const summary = found.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`).join("\n");
      expect(
        found.map((f) => f.ruleId),
        summary,
      ).toEqual(c.errors.map(() => rule.meta.id));
      c.errors.forEach((e, i) => {
        const f = found[i]!;
        expect(
          { file: f.file, line: f.line, column: f.column, severity: f.severity },
          summary,
        ).toEqual({ file: e.file, line: e.line, column: e.column, severity: e.severity });
        if (e.message) expect(f.message).toMatch(e.message);
        if (e.advice) expect(f.advice).toMatch(e.advice);
        if (e.text) {
          const line = files[f.file]!.split("\n")[f.line - 1]!;
          expect(f.endLine).toBe(f.line);
          expect(line.slice(f.column - 1, f.endColumn - 1)).toBe(e.text);
        }
      });
      if (c.output) {
        const changed = fixFiles(files, found);
        const expected = Object.fromEntries(Object.entries(c.output).map(([p, t]) => [p, code(t)]));
        expect(changed).toEqual(expected);
        const left = checkFiles({ ...files, ...changed }, [rule]);
        expect(left.filter((f) => f.fix)).toEqual([]);
        expect(left).toHaveLength(found.filter((f) => !f.fix).length);
      }
    });
  });
}
