import type { RuleMeta } from "./types.js";

/**
 * Findings the scanner itself makes, configurable like rules (`--rule parse-error=off`) but with
 * no check of their own: they come from reading files, not from a rule's logic.
 */
export const PARSE_ERROR: RuleMeta = {
  id: "parse-error",
  severity: "warning",
  description: "Files that are not valid YAML; the rules that need YAML skipped them",
  docs:
    "A file with a YAML extension could not be parsed, so the rules that read YAML structure " +
    "did not check it. Files are parsed only when a rule may find something in them. Helm " +
    "templates (files under a chart's templates/) are Go templates and are never parsed as YAML.",
  advice:
    "Fix the YAML syntax (kubectl and Helm would reject the file too). If the file is a template " +
    "of another tool, add it to `ignore` in .paritycheck.yaml or turn this off with " +
    "`--rule parse-error=off`.",
};

/** A rule that threw on a file: a bug in parity, reported instead of crashing the run. */
export const INTERNAL_ERROR: RuleMeta = {
  id: "internal-error",
  severity: "warning",
  description: "A rule failed on a file (a bug in parity check)",
  docs: "A rule threw an exception on this file. The other rules and files were still checked.",
  advice: "Please report it with the file (or a reduced copy); meanwhile ignore the file.",
};

export const DIAGNOSTICS: readonly RuleMeta[] = [PARSE_ERROR, INTERNAL_ERROR];
