import { closeSync, fstatSync, openSync, readSync } from "node:fs";
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

/**
 * Files larger than this are not read whole: manifests are streamed document by document
 * (stream.ts), any other type is skipped (generated bundles, dumps, not configuration).
 */
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
    if (!triggered(rule, file.text)) continue;
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

/** Whether a text passes a rule's pre-filter ({@link Rule.triggers}). */
export function triggered(rule: Rule, text: string): boolean {
  return (
    !rule.triggers ||
    rule.triggers.some((word) => (typeof word === "string" ? text.includes(word) : word.test(text)))
  );
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

/**
 * Reads and decodes one discovered file: its SourceFile (`twin`: see {@link SourceFile}), or
 * notes saying why it is not read; a file read in a degraded way has both.
 */
export function readSource(
  file: Discovered,
  twin?: SourceFile,
): { source?: SourceFile; notes: Note[]; oversized?: number } {
  const skip = (message: string) => ({ notes: [{ file: file.relative, message }] });
  let bytes: Buffer;
  try {
    const read = readLimited(file.path);
    if (typeof read === "number") {
      if (file.type === "manifest") return { notes: [], oversized: read };
      return skip(
        `skipped: ${(read / 1024 / 1024).toFixed(1)} MiB is over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
      );
    }
    bytes = read;
  } catch (error) {
    return skip(`skipped: cannot read it (${code(error)})`);
  }
  const decoded = decode(bytes);
  if ("skip" in decoded) return skip(`skipped: ${decoded.skip}`);
  const notes = decoded.note ? [{ file: file.relative, message: decoded.note }] : [];
  return { source: new SourceFile(file.relative, file.type, decoded.text, twin), notes };
}

/** Where files are read: most configuration files fit, and need no buffer of their own. */
const POOL = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's bytes, or its size when it is over {@link MAX_FILE_BYTES}. A file smaller than the
 * pool is opened and read once into it (no stat: a short read of a regular file is its end), so
 * the bytes are valid until the next call; a larger one gets a buffer of its own. Throws what
 * the file system throws.
 */
function readLimited(path: string): Buffer | number {
  const fd = openSync(path, "r");
  try {
    const first = readSync(fd, POOL, 0, POOL.length, null);
    if (first < POOL.length) return POOL.subarray(0, first);
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return size;
    const buffer = Buffer.allocUnsafe(Math.max(size, first));
    POOL.copy(buffer, 0, 0, first);
    let length = first;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    // A file that grew since fstat is read as it was then; one that shrank, as it is now.
    return length < buffer.length ? buffer.subarray(0, length) : buffer;
  } finally {
    closeSync(fd);
  }
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
