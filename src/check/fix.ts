/**
 * `parity check --fix`: applies the fixes findings carry. Fixes are applied in one pass: a fix
 * whose edits overlap one taken before it waits for the next run, as in ESLint, and a file is
 * only written as UTF-8 text it was read as, and only when it still parses as it did.
 */
import { lstatSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import { parseAllDocuments } from "yaml";
import type { Finding, Fix, TextEdit } from "./types.js";

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
  fix: Fix;
  /** Edits with their file resolved. */
  edits: (TextEdit & { file: string })[];
}

/** What the fixes of `findings` would change below `root`; reads files, writes nothing. */
export function planFixes(root: string, findings: readonly Finding[]): FixPlan {
  const skipped: FixPlan["skipped"] = [];
  const fixed: Finding[] = [];
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const finding of findings) {
    if (!finding.fix) continue;
    const edits = finding.fix.edits.map((e) => ({ ...e, file: e.file ?? finding.file }));
    // Findings on one object often share one fix (two volumes of one Deployment): apply it once.
    const key = JSON.stringify(edits);
    if (seen.has(key)) {
      fixed.push(finding);
      continue;
    }
    seen.add(key);
    candidates.push({ finding, fix: finding.fix, edits });
  }

  const texts = new Map<string, Loaded>();
  const load = (file: string) => {
    if (!texts.has(file)) texts.set(file, loadText(root, file));
    return texts.get(file)!;
  };
  const taken: Candidate[] = [];
  for (const candidate of candidates) {
    const reason = refusal(candidate, taken, load);
    if (reason) skipped.push({ finding: candidate.finding, reason });
    else taken.push(candidate);
  }

  // A file that would no longer parse keeps its text, and every fix that touched it is dropped.
  const changes: FileChange[] = [];
  let kept = taken;
  for (;;) {
    const byFile = groupByFile(kept);
    const broken = [...byFile].find(([file, edits]) => {
      const loaded = load(file) as TextFile;
      return breaksYaml(file, loaded.text ?? "", applyEdits(loaded.text ?? "", edits));
    });
    if (!broken) {
      for (const [file, edits] of byFile) {
        const loaded = load(file) as TextFile;
        const after = applyEdits(loaded.text ?? "", edits);
        changes.push({ file, before: loaded.text, after, bom: loaded.bom });
      }
      break;
    }
    const [file] = broken;
    kept = kept.filter((c) => {
      if (!c.edits.some((e) => e.file === file)) return true;
      skipped.push({ finding: c.finding, reason: `${file} would no longer parse` });
      return false;
    });
  }
  fixed.push(...kept.map((c) => c.finding));
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

/** Two edits touch: their ranges intersect, or both insert at one offset (their order is unknown). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const [a0, a1] = a.range;
  const [b0, b1] = b.range;
  return a0 === b0 || (a0 < b1 && b0 < a1);
}

function groupByFile(candidates: readonly Candidate[]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of candidates.flatMap((c) => c.edits)) {
    byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  }
  return byFile;
}

/** The text with non-overlapping edits applied (from the end, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) {
    out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
  }
  return out;
}

/** Whether a YAML file that parsed before the edits fails to parse after them. */
function breaksYaml(file: string, before: string, after: string): boolean {
  if (!/\.ya?ml$/i.test(file)) return false;
  const fails = (text: string) => {
    try {
      return parseAllDocuments(text, { uniqueKeys: false, strict: false }).some(
        (doc) => doc.errors.length > 0,
      );
    } catch {
      return true;
    }
  };
  return !fails(before) && fails(after);
}
