import { relative, sep } from "node:path";
import { applyFixPlan, fixDiff, planFixes, type FixPlan } from "../../check/fix.js";
import { exitCode, runCheck } from "../../check/index.js";
import { formatGithub } from "../../check/reporters/github.js";
import { formatJson } from "../../check/reporters/json.js";
import { formatSarif } from "../../check/reporters/sarif.js";
import { formatText, plural } from "../../check/reporters/text.js";
import { UsageError } from "../../errors.js";
import type { Output } from "../output.js";

export interface CheckOptions {
  path: string;
  format: string;
  rule: string[];
  maxWarnings?: string;
  fix?: boolean;
  dryRun?: boolean;
  version: string;
}

/**
 * `parity check [PATH]`: lints any repository for local-Kubernetes dependency pitfalls. Exit 1
 * when an error-level finding exists or warnings exceed --max-warnings, 2 on bad usage. With
 * `--fix` the safe fixes are written first and what is left is reported; with `--fix --dry-run`
 * the fixes are printed as a diff (nothing is written) and the exit code is the check's.
 */
export function checkCommand(options: CheckOptions, output: Output): number {
  if (!["text", "json", "sarif", "github"].includes(options.format)) {
    throw new UsageError(`--format must be text, json, sarif or github, not "${options.format}"`);
  }
  let maxWarnings: number | undefined;
  if (options.maxWarnings !== undefined) {
    maxWarnings = Number(options.maxWarnings);
    if (!/^\d+$/.test(options.maxWarnings.trim()) || !Number.isSafeInteger(maxWarnings)) {
      throw new UsageError(`--max-warnings must be a whole number, not "${options.maxWarnings}"`);
    }
  }
  if (options.dryRun && !options.fix) throw new UsageError("--dry-run goes with --fix");
  if (options.dryRun && options.format !== "text") {
    throw new UsageError("--fix --dry-run prints a diff: leave out --format");
  }
  let result = runCheck(options.path, { rules: options.rule });
  if (options.fix) {
    const plan = planFixes(result.root, result.findings);
    if (options.dryRun) {
      const diff = fixDiff(plan);
      if (diff) output.print(diff.replace(/\n$/, ""));
      output.info(fixSummary(plan, "would fix"));
      return exitCode(result, maxWarnings);
    }
    applyFixPlan(result.root, plan);
    output.info(fixSummary(plan, "fixed"));
    if (plan.changes.length) result = runCheck(options.path, { rules: options.rule });
  }
  if (options.format === "json") output.print(formatJson(result));
  else if (options.format === "sarif")
    output.print(formatSarif(result, { version: options.version }));
  else if (options.format === "github") {
    const annotations = formatGithub(result, { pathPrefix: displayPrefix(result.root) });
    if (annotations) output.print(annotations);
  } else output.print(formatText(result, { pathPrefix: displayPrefix(result.root) }));
  return exitCode(result, maxWarnings);
}

/** What --fix did or would do, and what it left (on stderr: stdout is the report or the diff). */
function fixSummary(plan: FixPlan, verb: string): string {
  const files = new Set(plan.changes.map((c) => c.file)).size;
  const lines = [
    `parity check --fix: ${verb} ${plural(plan.fixed.length, "finding")} in ${plural(files, "file")}`,
  ];
  for (const { finding, reason } of plan.skipped) {
    lines.push(
      `  not fixed: ${finding.file}:${finding.line}:${finding.column} ${finding.ruleId}: ${reason}`,
    );
  }
  return lines.join("\n");
}

/** Paths as typed from the current directory (clickable), or absolute outside it. */
function displayPrefix(root: string): string {
  const rel = relative(process.cwd(), root).split(sep).join("/");
  if (!rel) return "";
  return rel.startsWith("..") ? `${root}/` : `${rel}/`;
}
