/** One problem in a spec, located in its file. */
export interface SpecIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted path into the spec, e.g. `services.postgres.version`. */
  path: string;
  message: string;
}

/** Base of every error parity expects; the CLI prints `message` alone and exits with `exitCode`. */
export class ParityError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The spec cannot be used: every problem found, each with its position. Exit code 2. */
export class SpecError extends ParityError {
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[]) {
    super(issues.map(formatIssue).join("\n"), { exitCode: 2 });
    this.issues = issues;
  }
}

/** Wrong command-line usage. Exit code 2. */
export class UsageError extends ParityError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

export function formatIssue(issue: SpecIssue): string {
  const where = issue.path ? `${issue.path}: ` : "";
  return `${issue.file}:${issue.line}:${issue.col}: ${where}${issue.message}`;
}
