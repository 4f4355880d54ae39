import { relative, sep } from "node:path";
import { exitCode, runCheck } from "../../check/index.js";
import { formatJson } from "../../check/reporters/json.js";
import { formatSarif } from "../../check/reporters/sarif.js";
import { formatText } from "../../check/reporters/text.js";
import { UsageError } from "../../errors.js";
import type { Output } from "../output.js";

export interface CheckOptions {
  path: string;
  format: string;
  rule: string[];
  maxWarnings?: string;
  version: string;
}

/**
 * `parity check [PATH]`: lints any repository for local-Kubernetes dependency pitfalls. Exit 1
 * when an error-level finding exists or warnings exceed --max-warnings, 2 on bad usage.
 */
export function checkCommand(options: CheckOptions, output: Output): number {
  if (!["text", "json", "sarif"].includes(options.format)) {
    throw new UsageError(`--format must be text, json or sarif, not "${options.format}"`);
  }
  let maxWarnings: number | undefined;
  if (options.maxWarnings !== undefined) {
    maxWarnings = Number(options.maxWarnings);
    if (!/^\d+$/.test(options.maxWarnings.trim()) || !Number.isSafeInteger(maxWarnings)) {
      throw new UsageError(`--max-warnings must be a whole number, not "${options.maxWarnings}"`);
    }
  }
  const result = runCheck(options.path, { rules: options.rule });
  if (options.format === "json") output.print(formatJson(result));
  else if (options.format === "sarif")
    output.print(formatSarif(result, { version: options.version }));
  else output.print(formatText(result, { pathPrefix: displayPrefix(result.root) }));
  return exitCode(result, maxWarnings);
}

/** Paths as typed from the current directory (clickable), or absolute outside it. */
function displayPrefix(root: string): string {
  const rel = relative(process.cwd(), root).split(sep).join("/");
  if (!rel) return "";
  return rel.startsWith("..") ? `${root}/` : `${rel}/`;
}
