/**
 * `parity check`: a linter for local-Kubernetes dependency pitfalls in any repository. This
 * layer stands alone: it imports nothing of parity but src/errors.ts.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { scanCharts, withoutRenderedValues, type ChartScanOptions } from "./chart-scan.js";
import { classify } from "./classify.js";
import { loadConfigFile, parseRuleOptions } from "./config.js";
import { DIAGNOSTICS } from "./diagnostics.js";
import { discover, type Discovered } from "./discover.js";
import { compileGlob } from "./glob.js";
import { RULES } from "./rules/index.js";
import { scanRun, type ParallelOptions } from "./run.js";
import { compareFindings, ruleLevels, type ScanOptions } from "./scan.js";
import type { CheckResult, Finding, Note, RuleLevel } from "./types.js";

export type { CheckResult, Finding, Note, Rule, RuleFinding, RuleMeta, Severity } from "./types.js";
export { RULES } from "./rules/index.js";

export interface RunOptions extends ParallelOptions, ChartScanOptions {
  /** `--rule ID=LEVEL` values, applied over .paritycheck.yaml. */
  rules?: readonly string[];
}

/**
 * Worker threads: the option, else `PARITY_CHECK_WORKERS` (a whole number; 0 for one thread),
 * else the default (one per further CPU when the run is large enough to pay for them).
 */
function parallelOptions({ rules: _, helm: __, ...options }: RunOptions): ParallelOptions {
  const env = process.env.PARITY_CHECK_WORKERS?.trim();
  const workers = options.workers ?? (env && /^\d+$/.test(env) ? Number(env) : undefined);
  return workers === undefined ? options : { ...options, workers };
}

/**
 * Checks a directory (or one file): configuration from `.paritycheck.yaml` at the root, then
 * `--rule`s, then every discovered file. Bad configuration is a UsageError (exit 2); nothing a
 * scanned file contains makes it throw.
 */
export function runCheck(path: string, options: RunOptions = {}): CheckResult {
  const target = resolve(path);
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  // The root is resolved once, so that relative paths are stable and a linked root still works.
  const root = realpathSync(stats.isDirectory() ? target : dirname(target));
  const known = new Set([...RULES.map((r) => r.meta.id), ...DIAGNOSTICS.map((d) => d.id)]);
  const config = loadConfigFile(root, known);
  const optIn = RULES.filter((r) => r.meta.optIn).map((r) => [r.meta.id, "off"] as const);
  const levels = new Map<string, RuleLevel>([
    ...optIn,
    ...config.levels,
    ...parseRuleOptions(options.rules ?? [], known),
  ]);
  const scan: ScanOptions = { rules: RULES, levels };

  let files: Discovered[];
  const notes: Note[] = [];
  if (stats.isDirectory()) {
    const found = discover(root, config.ignore.map(compileGlob));
    files = found.files;
    notes.push(...found.notes);
  } else {
    // A single file is typed by its full path (a chart's templates/ lies above it).
    const full = join(root, basename(target));
    const type = classify(full.split("\\").join("/"), (dir) => existsSync(join(dir, "Chart.yaml")));
    files = type ? [{ path: full, relative: basename(target), type }] : [];
    if (!type)
      notes.push({ file: basename(target), message: "skipped: no rule reads this kind of file" });
  }

  const findings: Finding[] = [];
  let filesChecked = 0;
  let rendered: ReadonlySet<string> | undefined;
  let renderedCharts: ReadonlyMap<string, string> = new Map();
  if (stats.isDirectory()) {
    const charts = scanCharts(root, files, levels, options);
    rendered = charts.rendered;
    renderedCharts = charts.renderedCharts;
    findings.push(...charts.findings);
    notes.push(...charts.notes);
  }
  for (const result of scanRun(root, files, levels, parallelOptions(options), rendered).results) {
    findings.push(...result.findings);
    notes.push(...result.notes);
    if (result.checked) filesChecked++;
  }
  const reported = withoutRenderedValues(findings, renderedCharts).sort(compareFindings);
  notes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { root, rules: ruleLevels(scan), filesChecked, findings: reported, notes };
}

/** 1 when an error-level finding exists or warnings exceed `maxWarnings`, else 0. */
export function exitCode(result: CheckResult, maxWarnings?: number): number {
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.length - errors;
  return errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
}
