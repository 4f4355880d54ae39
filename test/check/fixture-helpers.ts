import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { formatJson } from "../../src/check/reporters/json.js";
import type { CheckResult, Finding } from "../../src/check/types.js";
import { helmBinary } from "../helpers/helm.js";

/** The fixture repository test/fixtures/check/<name>. */
export function fixtureDir(name: string): string {
  return join(import.meta.dirname, "..", "fixtures", "check", name);
}

export interface Fixture {
  /** The fixture in the source tree, whose files `lines` reads. */
  dir: string;
  /** Its committed findings, <dir>.expected.json. */
  expected: string;
  result: CheckResult;
  /** `result` as `--format json` prints it. */
  json: string;
  /** The lines of a file of the fixture. */
  lines(file: string): string[];
  /** The text a finding points at, which must be on one line. */
  at(finding: Finding): string;
}

/**
 * Runs parity check on `scanned` (the fixture itself, or a copy of it) and registers the test
 * that its findings are, whole, the committed <name>.expected.json, which UPDATE_GOLDEN=1
 * rewrites first. Call it inside the fixture's describe().
 */
export function fixture(name: string, scanned: string = fixtureDir(name)): Fixture {
  const dir = fixtureDir(name);
  const expected = `${dir}.expected.json`;
  const result = runCheck(scanned, { helm: helmBinary() });
  const json = formatJson(result);
  if (process.env.UPDATE_GOLDEN) writeFileSync(expected, json + "\n");
  const lines = (file: string) => readFileSync(join(dir, file), "utf8").split("\n");
  const at = (f: Finding) => lines(f.file)[f.line - 1]!.slice(f.column - 1, f.endColumn - 1);

  it("has exactly the expected findings", () => {
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(expected, "utf8")));
  });

  return { dir, expected, result, json, lines, at };
}

/**
 * Asserts that every finding points at a non-empty piece of one line, and that `quotes` accepts
 * it: by default, that the message contains that text.
 */
export function expectQuotedText(
  { result, at }: Fixture,
  quotes: (f: Finding, text: string, where: string) => void = (f, text, where) =>
    expect(f.message, where).toContain(text),
): void {
  for (const f of result.findings) {
    const where = `${f.file}:${f.line}:${f.column}`;
    expect(f.endLine, where).toBe(f.line);
    expect(at(f).length, where).toBeGreaterThan(0);
    // A rendered template's finding quotes the value helm rendered: the literal text before the
    // first action is what the template line shows of it.
    const text = at(f).split("{{")[0]!;
    expect(text.length, where).toBeGreaterThan(0);
    quotes(f, text, where);
  }
}

export interface NotReportedOptions {
  /** Only findings of these rules count; unset: any finding. */
  rules?: readonly string[];
  /** The last line that belongs to the marker's line (default: that line itself). */
  through?: (text: readonly string[], line: number) => number;
}

/**
 * Registers "does not report FILE on the line with MARKER" for each [file, marker]: the marker
 * is in the file, and no finding (of `options.rules`) is on its first line with the marker.
 */
export function itDoesNotReport(
  { result, lines }: Fixture,
  cases: ReadonlyArray<readonly [file: string, marker: string]>,
  options: NotReportedOptions = {},
): void {
  it.each(cases)("does not report %s on the line with %s", (file, marker) => {
    const text = lines(file);
    const line = text.findIndex((l) => l.includes(marker)) + 1;
    expect(line, `${marker} is in ${file}`).toBeGreaterThan(0);
    const last = options.through ? options.through(text, line) : line;
    const near = (f: Finding) =>
      f.file === file &&
      f.line >= line &&
      f.line <= last &&
      (!options.rules || options.rules.includes(f.ruleId));
    expect(result.findings.filter(near)).toEqual([]);
  });
}
