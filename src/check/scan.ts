import { readFileSync, statSync } from "node:fs";
import { decode } from "./decode.js";
import { DIAGNOSTICS, INTERNAL_ERROR, PARSE_ERROR } from "./diagnostics.js";
import { code, type Discovered } from "./discover.js";
import { RULES } from "./rules/index.js";
import { SourceFile } from "./source.js";
import { isSuppressed, suppressions } from "./suppress.js";
import type {
  Finding,
  FileType,
  Note,
  Rule,
  RuleFinding,
  RuleLevel,
  RuleMeta,
  ScanContext,
  Severity,
} from "./types.js";

/** Files larger than this are skipped: generated bundles, dumps, not configuration. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface ScanOptions {
  rules?: readonly Rule[];
  /** Levels that differ from the rules' defaults; `off` rules do not run. */
  levels?: ReadonlyMap<string, RuleLevel>;
  /** What the run knows beyond one file (see {@link ScanContext}); none when checking text. */
  context?: ScanContext;
}

/**
 * Checks one file's text with every rule that reads its type: the core of a run, without the
 * file system. Never throws: a rule that throws becomes an `internal-error` finding.
 */
export function checkSource(file: SourceFile, options: ScanOptions = {}): Finding[] {
  const rules = options.rules ?? RULES;
  const findings: Finding[] = [];
  const suppressed = suppressions(file);
  const add = (meta: RuleMeta, found: RuleFinding) => {
    // A configured level overrides; unset, a finding's own severity applies, then the rule's.
    const configured = options.levels?.get(meta.id);
    if (configured === "off") return;
    const start = file.position(found.start);
    if (isSuppressed(suppressed, start.line, meta.id)) return;
    const end = file.position(Math.max(found.start, found.end ?? found.start));
    const severity: Severity = configured ?? found.severity ?? meta.severity;
    findings.push({
      ruleId: meta.id,
      severity,
      file: file.path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: found.message,
      advice: found.advice ?? meta.advice,
      ...(found.fix ? { fix: found.fix } : {}),
    });
  };
  for (const rule of rules) {
    if (options.levels?.get(rule.meta.id) === "off" || !rule.fileTypes.includes(file.type)) {
      continue;
    }
    if (rule.triggers && !rule.triggers.some((word) => file.text.includes(word))) continue;
    try {
      for (const found of rule.check(file, options.context ?? {})) add(rule.meta, found);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      add(INTERNAL_ERROR, { start: 0, message: `${rule.meta.id} failed on this file: ${message}` });
    }
  }
  const failure = file.yamlFailure;
  if (failure) {
    add(PARSE_ERROR, {
      start: failure.offset,
      message: `not valid YAML (${failure.message}); rules that read YAML skipped this file`,
    });
  }
  return findings;
}

/** Checks in-memory text as if it were the file at `path` (tests, editors). */
export function checkText(
  path: string,
  type: FileType,
  text: string,
  options: ScanOptions = {},
): Finding[] {
  return checkSource(new SourceFile(path, type, text), options);
}

/** Reads, decodes and checks one discovered file; unreadable or unsuitable files become notes. */
export function checkFile(
  file: Discovered,
  options: ScanOptions,
): { findings: Finding[]; notes: Note[]; checked: boolean } {
  const skip = (message: string) => ({
    findings: [],
    notes: [{ file: file.relative, message }],
    checked: false,
  });
  let bytes: Buffer;
  try {
    const size = statSync(file.path).size;
    if (size > MAX_FILE_BYTES) {
      return skip(
        `skipped: ${(size / 1024 / 1024).toFixed(1)} MiB is over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
      );
    }
    bytes = readFileSync(file.path);
  } catch (error) {
    return skip(`skipped: cannot read it (${code(error)})`);
  }
  const decoded = decode(bytes);
  if ("skip" in decoded) return skip(`skipped: ${decoded.skip}`);
  const notes = decoded.note ? [{ file: file.relative, message: decoded.note }] : [];
  const findings = checkSource(new SourceFile(file.relative, file.type, decoded.text), options);
  return { findings, notes, checked: true };
}

/** Every rule and diagnostic with its effective level, for reporters. */
export function ruleLevels(options: ScanOptions): (RuleMeta & { level: RuleLevel })[] {
  const metas = [...(options.rules ?? RULES).map((r) => r.meta), ...DIAGNOSTICS];
  return metas.map((meta) => ({ ...meta, level: options.levels?.get(meta.id) ?? meta.severity }));
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}
