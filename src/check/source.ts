import { parseAllDocuments, type Document } from "yaml";
import type { FileType } from "./types.js";

/** One physical line: its 1-based number, the offset of its first character, its text. */
export interface Line {
  number: number;
  start: number;
  /** Without the line break (and without a trailing `\r`). */
  text: string;
}

/** Why a YAML file could not be parsed, and where. */
export interface YamlFailure {
  offset: number;
  message: string;
}

/**
 * A file as rules see it: its path, type and text, with lines and YAML parsed on first use and
 * shared by every rule, so a file is parsed at most once per run and only if a rule asks.
 */
export class SourceFile {
  private lineStarts: number[] | undefined;
  private lineCache: Line[] | undefined;
  private parsed: readonly Document[] | YamlFailure | undefined;
  private loaded: string | undefined;
  private readonly load: (() => string) | undefined;
  /** Set on a chart template's rendered output: its images are configured through the chart. */
  fromChart = false;
  /** Set on a template read tolerantly (template.ts): its text before the actions were blanked. */
  template: string | undefined;

  constructor(
    /** Relative to the scanned root, `/`-separated. */
    readonly path: string,
    readonly type: FileType,
    /** The text, or how to read it on first use (a run's view of files no rule may read). */
    text: string | (() => string),
    /**
     * Another SourceFile of the same file (the run's view of every file, say) whose YAML this
     * one reuses if it was parsed first, so that a file is not parsed twice.
     */
    private readonly twin?: SourceFile,
  ) {
    if (typeof text === "string") this.loaded = text;
    else this.load = text;
  }

  get text(): string {
    return (this.loaded ??= this.load!());
  }

  /** 1-based line and column (UTF-16 code units, as SARIF's default columnKind) of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const at = Math.max(0, Math.min(offset, this.text.length));
    // Binary search: the last line that starts at or before `at`.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - starts[low]! + 1 };
  }

  lines(): readonly Line[] {
    if (!this.lineCache) {
      const starts = (this.lineStarts ??= computeLineStarts(this.text));
      this.lineCache = starts.map((start, i) => {
        const next = starts[i + 1];
        let text = this.text.slice(start, next === undefined ? undefined : next - 1);
        if (text.endsWith("\r")) text = text.slice(0, -1);
        return { number: i + 1, start, text };
      });
    }
    return this.lineCache;
  }

  /**
   * The YAML documents of the file, or undefined when it is not valid YAML (the scanner then
   * reports one `parse-error` finding). Rules that need structure call this; template files
   * (type `helm-template`) must be scanned by lines instead and never reach here.
   */
  yaml(): readonly Document[] | undefined {
    this.parsed ??=
      (this.twin?.parsed && this.twin.text === this.text ? this.twin.parsed : undefined) ??
      parseYaml(this.text);
    return Array.isArray(this.parsed) ? (this.parsed as readonly Document[]) : undefined;
  }

  /** Set once {@link yaml} was called and failed. */
  get yamlFailure(): YamlFailure | undefined {
    return this.parsed && !Array.isArray(this.parsed) ? (this.parsed as YamlFailure) : undefined;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function parseYaml(text: string): readonly Document[] | YamlFailure {
  try {
    // Lenient where real repositories are sloppy (duplicate keys), strict about syntax. Aliases
    // are never resolved (rules walk the AST), so alias bombs cost nothing.
    const docs = [...parseAllDocuments(text, { uniqueKeys: false, strict: false })];
    for (const doc of docs) {
      const error = doc.errors[0];
      if (error) return { offset: error.pos[0], message: firstLine(error.message) };
    }
    return docs;
  } catch (error) {
    // The parser recurses on nesting: a pathological file may exhaust the stack.
    return { offset: 0, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The yaml package appends "at line L, column C:" and a code frame; positions are ours. */
function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
