/**
 * The data model of `parity check`: rules produce findings (data, never exceptions); the scanner
 * locates, configures and suppresses them; reporters are pure functions over a {@link CheckResult}.
 */
import type { FileInventory } from "./inventory.js";
import type { SourceFile } from "./source.js";

/** What a finding costs: `error` fails the run, `warning` fails it only past `--max-warnings`. */
export type Severity = "error" | "warning";

/** A rule's configured level: a severity, or `off`. */
export type RuleLevel = Severity | "off";

/**
 * The kind of a discovered file, decided once from its path. Rules name the types they read, so
 * a Dockerfile never reaches a YAML rule and a Helm template is never YAML-parsed.
 */
export type FileType =
  | "manifest" // any other *.yaml / *.yml: Kubernetes objects, Argo CD, Flux, ...
  | "helm-chart" // Chart.yaml
  | "helm-lock" // Chart.lock
  | "helm-values" // values*.yaml, *-values.yaml
  | "helm-template" // files under a chart's templates/ (Go templates: NOT YAML), *.gotmpl
  | "kustomization"
  | "helmfile"
  | "compose"
  | "ci" // .github/workflows/*, .gitlab-ci.yml
  | "tiltfile"
  | "dockerfile"
  | "shell";

/**
 * A replacement of text: `range` (UTF-16 offsets, end exclusive) of the text the rule read
 * becomes `text`. An insertion has an empty range.
 */
export interface TextEdit {
  /**
   * The file it changes, relative to the scanned root and `/`-separated (a `.tiltignore` beside
   * a Tiltfile); the finding's own file when unset. Offsets are into the file's text as
   * {@link ScanContext.read} returns it; a file that does not exist is created from an insertion
   * at 0.
   */
  file?: string;
  range: readonly [number, number];
  text: string;
}

/**
 * What `parity check --fix` changes for a finding: exactly the change its advice recommends,
 * made only where it is mechanical and safe (it cannot lose data or break a working setup).
 * Its edits are applied together or not at all.
 */
export interface Fix {
  /** One line, imperative: "add `strategy: {type: Recreate}`". */
  description: string;
  edits: readonly TextEdit[];
}

/** What a rule reports: offsets into the file's text; the scanner turns them into positions. */
export interface RuleFinding {
  /** Offset of the first character of the exact offending text. */
  start: number;
  /** Offset just past it (defaults to `start`). */
  end?: number;
  message: string;
  /** How to fix this occurrence; defaults to the rule's general advice. */
  advice?: string;
  /** This finding's own severity, when it differs from the rule's default (e.g. a frozen image). */
  severity?: Severity;
  /** The change `--fix` makes for it, when one is safe. */
  fix?: Fix;
}

/** What a rule is, for documentation, configuration and SARIF. */
export interface RuleMeta {
  /** kebab-case, equal to the rule's file name in src/check/rules/. */
  id: string;
  /** The default level (a finding may carry its own severity). */
  severity: Severity;
  /** One line: what the rule finds (SARIF shortDescription). */
  description: string;
  /** Why it matters, with the facts behind it (SARIF fullDescription). */
  docs: string;
  /** How to fix it, in general (SARIF help). */
  advice: string;
  /**
   * Set for a rule that runs only when configured (`--rule ID=warning`, .paritycheck.yaml): what
   * it reports is often intended.
   */
  optIn?: true;
}

/**
 * One lint rule, one file in src/check/rules/. Adding a rule is adding a file that exports a
 * `Rule` and listing it in rules/index.ts.
 */
export interface Rule {
  meta: RuleMeta;
  /** The file types the rule reads; files of other types never reach {@link Rule.check}. */
  fileTypes: readonly FileType[];
  /**
   * A cheap pre-filter: a file whose text contains none of these substrings (case-sensitive)
   * and matches none of these patterns is not given to the rule, so it is never parsed on the
   * rule's behalf. Omit to see every file. A pattern must not be global or sticky.
   */
  triggers?: readonly (string | RegExp)[];
  /**
   * Set for a rule that relates its file to the rest of the repository: `files` when it reads
   * {@link ScanContext.files}, `inventory` when it reads {@link ScanContext.inventory}. The
   * scanner checks files of its types last, once every other file was scanned, with what the
   * scan gathered (every file's text; for `inventory`, every manifest's inventory, taken as each
   * was scanned), so that a parallel run need not read and parse the repository again for it.
   */
  scope?: "files" | "inventory";
  /**
   * Reads one file; returns or yields findings. Never throws on input (the scanner guards it).
   * `context` tells what the run knows beyond this file (empty when text is checked alone).
   */
  check(file: SourceFile, context: ScanContext): Iterable<RuleFinding>;
}

/** What one run knows beyond the file a rule reads, computed on first use, once per run. */
export interface ScanContext {
  /**
   * Whether git tracks a path (relative to the scanned root) when the root is inside a git work
   * tree; true for every path outside one. Unset when text is checked alone.
   */
  tracked?: (path: string) => boolean;
  /** Every file of the run, read on first call: for facts that span files. */
  files?: () => readonly SourceFile[];
  /**
   * What the manifests of the run deploy, as plain data, in the run's file order: gathered by
   * the scanner where each manifest is scanned. Absent, rules take it from {@link files} (see
   * `runInventory`).
   */
  inventory?: () => readonly FileInventory[];
  /**
   * The text of any file below the root by its relative path, `/`-separated, even one no rule
   * reads (a `.tiltignore`); undefined when absent, outside the root, binary or too large.
   */
  read?: (path: string) => string | undefined;
}

/** A located, configured finding, as reporters see it. Lines and columns are 1-based. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Path relative to the scanned root, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  advice: string;
  fix?: Fix;
}

/** A file the scanner read no further, or read in a degraded way, and why. */
export interface Note {
  file: string;
  message: string;
}

/** Everything one run found: the one model all reporters read. */
export interface CheckResult {
  /** Absolute path of the scanned root (reporters that must be reproducible leave it out). */
  root: string;
  /** The rules that ran, with their effective level, plus built-in diagnostics. */
  rules: readonly (RuleMeta & { level: RuleLevel })[];
  /** Files read and checked. */
  filesChecked: number;
  /** Sorted by file, line, column, rule. */
  findings: readonly Finding[];
  notes: readonly Note[];
}
