/**
 * `parity check --fix`: applies the fixes findings carry. Fixes are applied in one pass: a fix
 * whose edits overlap one taken before it waits for the next run, as in ESLint; a fix that would
 * add a YAML error (a duplicate key included) is not taken; and a file is only written as the
 * UTF-8 text it was read as.
 */
import { lstatSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import { parseAllDocuments } from "yaml";
import type { Finding, TextEdit } from "./types.js";

/** One file as the fixes leave it. */
export interface FileChange {
  /** Relative to the root, `/`-separated. */
  file: string;
  /** Its text before; undefined when the fixes create it. */
  before: string | undefined;
  after: string;
  /** Whether the file starts with a UTF-8 byte-order mark (kept). */
  bom: boolean;
}

export interface FixPlan {
  changes: FileChange[];
  /** The findings whose fix the plan applies. */
  fixed: Finding[];
  /** Findings with a fix the plan leaves out, and why. */
  skipped: { finding: Finding; reason: string }[];
}

interface Candidate {
  finding: Finding;
  /** Its fix's edits, with their file resolved. */
  edits: (TextEdit & { file: string })[];
}

/** What the fixes of `findings` would change below `root`; reads files, writes nothing. */
export function planFixes(root: string, findings: readonly Finding[]): FixPlan {
  const skipped: FixPlan["skipped"] = [];
  // Findings on one object often share one fix (two volumes of one Deployment): apply it once.
  const byKey = new Map<string, { candidate: Candidate; also: Finding[] }>();
  for (const finding of findings) {
    if (!finding.fix) continue;
    const edits = finding.fix.edits.map((e) => ({ ...e, file: e.file ?? finding.file }));
    const key = JSON.stringify(edits);
    const known = byKey.get(key);
    if (known) known.also.push(finding);
    else byKey.set(key, { candidate: { finding, edits }, also: [] });
  }

  const texts = new Map<string, Loaded>();
  const load = (file: string) => {
    if (!texts.has(file)) texts.set(file, loadText(root, file));
    return texts.get(file)!;
  };
  const text = (file: string) => (load(file) as TextFile).text ?? "";
  // One at a time, in order: a fix is taken unless it overlaps one taken before it or would
  // leave a YAML file unparsable (or with a duplicate key) with the fixes taken so far.
  const taken: Candidate[] = [];
  const fixed: Finding[] = [];
  for (const { candidate, also } of byKey.values()) {
    let reason = refusal(candidate, taken, load);
    if (!reason) {
      const files = new Set(candidate.edits.map((e) => e.file));
      const edits = groupByFile([...taken, candidate]);
      const broken = [...files].find((f) =>
        breaksYaml(f, text(f), applyEdits(text(f), edits.get(f)!)),
      );
      if (broken) reason = `the edit would leave ${broken} unparsable`;
    }
    for (const finding of [candidate.finding, ...also]) {
      if (reason) skipped.push({ finding, reason });
      else fixed.push(finding);
    }
    if (!reason) taken.push(candidate);
  }

  const changes: FileChange[] = [...groupByFile(taken)].map(([file, edits]) => {
    const loaded = load(file) as TextFile;
    return { file, before: loaded.text, after: applyEdits(text(file), edits), bom: loaded.bom };
  });
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { changes, fixed, skipped };
}

/** Writes the plan's files. */
export function applyFixPlan(root: string, plan: FixPlan): void {
  for (const change of plan.changes) {
    writeFileSync(join(root, change.file), (change.bom ? "\ufeff" : "") + change.after);
  }
}

/** The plan as a unified diff from the root (`git apply` takes it). */
export function fixDiff(plan: FixPlan): string {
  return plan.changes
    .map((change) => {
      const patch = createTwoFilesPatch(
        change.before === undefined ? "/dev/null" : `a/${change.file}`,
        `b/${change.file}`,
        change.before ?? "",
        change.after,
        undefined,
        undefined,
        { context: 3 },
      );
      // jsdiff opens with a row of `=`; a patch starts at its `---` line.
      return patch.slice(patch.indexOf("--- "));
    })
    .join("");
}

interface TextFile {
  /** Undefined: the file does not exist (an insertion at 0 creates it). */
  text: string | undefined;
  bom: boolean;
}
type Loaded = TextFile | { refused: string };

/** A file's text when a fix may rewrite it: UTF-8, below the root, not a link. */
function loadText(root: string, file: string): Loaded {
  if (isAbsolute(file) || file.split("/").includes("..")) return { refused: `${file} is outside` };
  const path = join(root, file);
  let bytes: Buffer;
  try {
    if (lstatSync(path).isSymbolicLink()) return { refused: `${file} is a symbolic link` };
    const real = relative(realpathSync(root), realpathSync(path));
    if (real.startsWith("..") || isAbsolute(real)) return { refused: `${file} is outside` };
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { text: undefined, bom: false };
    return { refused: `${file} cannot be read` };
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(bom ? 3 : 0),
    );
    return text.includes("\0") ? { refused: `${file} is binary` } : { text, bom };
  } catch {
    return { refused: `${file} is not UTF-8 text` };
  }
}

/** Why a fix cannot be taken with those already taken; undefined when it can. */
function refusal(
  candidate: Candidate,
  taken: readonly Candidate[],
  load: (file: string) => Loaded,
): string | undefined {
  for (const edit of candidate.edits) {
    const loaded = load(edit.file);
    if ("refused" in loaded) return loaded.refused;
    const length = loaded.text?.length ?? 0;
    const [from, to] = edit.range;
    if (from < 0 || to < from || to > length) return `${edit.file} changed since it was read`;
    for (const other of taken) {
      if (other.edits.some((e) => e.file === edit.file && overlaps(e, edit))) {
        return `it overlaps the fix of ${other.finding.ruleId} at ${other.finding.file}:${other.finding.line}; run --fix again`;
      }
    }
  }
  return undefined;
}

/**
 * Two edits touch: their ranges intersect, or one replaces text the other inserts at. Two
 * insertions at one offset do not: they go in in the order the fixes were taken (lines appended
 * to one .tiltignore, keys added before one key).
 */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const [a0, a1] = a.range;
  const [b0, b1] = b.range;
  if (a0 === a1 && b0 === b1) return false;
  return (a0 < b1 && b0 < a1) || (a0 === b0 && (a0 === a1 || b0 === b1));
}

function groupByFile(candidates: readonly Candidate[]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of candidates.flatMap((c) => c.edits)) {
    byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  }
  return byFile;
}

/**
 * The text with non-overlapping edits applied, from the end so that offsets stay valid;
 * insertions at one offset end up in the order they are given.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => b.edit.range[0] - a.edit.range[0] || b.index - a.index);
  let out = text;
  for (const { edit } of order) {
    out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
  }
  return out;
}

/** Whether the edits add YAML errors to a YAML file (a duplicate key counts as one). */
function breaksYaml(file: string, before: string, after: string): boolean {
  if (!/\.ya?ml$/i.test(file)) return false;
  const errors = (text: string) => {
    try {
      return parseAllDocuments(text).reduce((n, doc) => n + doc.errors.length, 0);
    } catch {
      return Infinity;
    }
  };
  return errors(after) > errors(before);
}
