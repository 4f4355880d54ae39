import type { CheckResult } from "../types.js";

export interface Summary {
  errors: number;
  warnings: number;
  filesChecked: number;
  filesWithFindings: number;
}

export function summarize(result: CheckResult): Summary {
  const errors = result.findings.filter((f) => f.severity === "error").length;
  return {
    errors,
    warnings: result.findings.length - errors,
    filesChecked: result.filesChecked,
    filesWithFindings: new Set(result.findings.map((f) => f.file)).size,
  };
}
