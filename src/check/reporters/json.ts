import type { CheckResult } from "../types.js";
import { summarize } from "./summary.js";

/**
 * For programs: a stable document, version 1. Paths are relative to the scanned root and the
 * root itself is left out, so the output of a repository is the same on every machine.
 */
export function formatJson(result: CheckResult): string {
  const { errors, warnings, filesChecked } = summarize(result);
  return JSON.stringify(
    {
      version: 1,
      summary: { errors, warnings, filesChecked },
      findings: result.findings,
      notes: result.notes,
    },
    null,
    2,
  );
}
