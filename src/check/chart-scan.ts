/**
 * The templates of a run's Helm charts, checked by the manifest rules: as helm renders them
 * (findings moved to the template's lines), or, where a chart cannot be rendered, as a tolerant
 * read of the template text (actions blanked, see template.ts), said in a note.
 */
import { chartRoots, findHelm, renderCharts, type RenderedTemplate } from "./charts.js";
import { threadContext } from "./context.js";
import type { Discovered } from "./discover.js";
import { RULES } from "./rules/index.js";
import { checkSource, readSource, type ScanOptions } from "./scan.js";
import { SourceFile } from "./source.js";
import { isSuppressed, suppressions } from "./suppress.js";
import { maskedTemplate } from "./template.js";
import type { Finding, Note, RuleLevel } from "./types.js";

export interface ChartScan {
  /** The templates checked here as rendered: the scanner leaves them to rules that read them. */
  rendered: Set<string>;
  /** What each chart that rendered renders, by its directory (`dir/`, "" for the root). */
  renderedCharts: Map<string, string>;
  findings: Finding[];
  notes: Note[];
}

export interface ChartScanOptions {
  /** The helm binary; default {@link findHelm}; `false` reads every template as text. */
  helm?: string | false;
}

/** Manifest rules that do not read templates themselves (they would report a line twice). */
const MANIFEST_ONLY = RULES.filter(
  (rule) => rule.fileTypes.includes("manifest") && !rule.fileTypes.includes("helm-template"),
);
const MANIFEST_RULES = RULES.filter((rule) => rule.fileTypes.includes("manifest"));

/** Template files whose text is YAML once rendered (not helpers, not NOTES.txt). */
const isManifestTemplate = (file: Discovered) =>
  file.type === "helm-template" &&
  /\.ya?ml$/i.test(file.relative) &&
  !/(^|\/)_[^/]*$/.test(file.relative);

export function scanCharts(
  root: string,
  files: readonly Discovered[],
  levels: ReadonlyMap<string, RuleLevel>,
  options: ChartScanOptions = {},
): ChartScan {
  const notes: Note[] = [];
  const rendered = new Map<string, RenderedTemplate>();
  /** Charts that rendered: their templates without output are off by default, not misread. */
  const renderedCharts = new Map<string, string>();
  const roots = chartRoots(files);
  const helm = options.helm === false ? undefined : (options.helm ?? findHelm());
  if (roots.length && helm) {
    const run = renderCharts(root, roots, helm);
    notes.push(...run.notes);
    for (const render of run.renders) {
      if (!("templates" in render)) continue;
      const texts: string[] = [];
      for (const [path, template] of render.templates) {
        rendered.set(path, template);
        texts.push(template.text);
      }
      renderedCharts.set(render.chart ? `${render.chart}/` : "", texts.join("\n"));
    }
  } else if (roots.length && options.helm !== false && files.some(isManifestTemplate)) {
    notes.push({
      file: `${roots[0] ? `${roots[0]}/` : ""}Chart.yaml`,
      message:
        `not rendered: helm not found (put it on PATH or set PARITY_HELM), so the templates of ` +
        `${roots.length === 1 ? "this chart" : `all ${roots.length} charts`} were read as text`,
    });
  }

  const context = threadContext(root, files).context;
  const findings: Finding[] = [];
  for (const file of files) {
    const output = rendered.get(file.relative);
    // `helm test` pods run only under `helm test` (and Tilt's helm() drops them).
    if (output && /(^|\/)templates\/(.*\/)?tests\//.test(file.relative)) continue;
    if (output) {
      const read = readSource(file);
      notes.push(...read.notes);
      if (!read.source) continue;
      const virtual = new SourceFile(file.relative, "manifest", output.text);
      virtual.fromChart = true;
      const scan: ScanOptions = { rules: MANIFEST_RULES, levels, context };
      const suppressed = suppressions(read.source);
      for (const finding of checkSource(virtual, scan)) {
        const { moved, literal } = toTemplate(finding, virtual, read.source, output);
        // A password the template does not write itself comes from values (reported there) or
        // from a function (`randAlphaNum`, `lookup`): not a literal of this file.
        if (moved.ruleId === "plaintext-credentials" && !literal) continue;
        if (!isSuppressed(suppressed, moved.line, moved.ruleId)) findings.push(moved);
      }
      continue;
    }
    if (
      isManifestTemplate(file) &&
      ![...renderedCharts.keys()].some((c) => file.relative.startsWith(c))
    ) {
      // Read by the template rules in the scan too: here only what they leave to manifests.
      const read = readSource(file);
      if (!read.source) continue;
      const scan: ScanOptions = { rules: MANIFEST_ONLY, levels, context };
      // A tolerant read that does not parse says nothing: it is not the file's fault.
      findings.push(
        ...checkSource(maskedTemplate(read.source), scan).filter((f) => f.ruleId !== "parse-error"),
      );
    }
  }
  return { rendered: new Set(rendered.keys()), renderedCharts, findings, notes };
}

/** Image rules, whose findings on a chart's values the rendered templates show as deployed. */
const IMAGE_RULES = new Set([
  "image-latest-tag",
  "stateful-image-tag",
  "bitnami-image",
  "archived-image",
]);

/**
 * The findings of a run without the image findings on a rendered chart's default values.yaml
 * whose image the chart renders (the same, or with the tag the values leave out, often
 * `default .Chart.AppVersion`): the rendered templates judge it as deployed and report it at the
 * template line if it is wrong. Values images the templates do not render stay reported.
 */
export function withoutRenderedValues(
  findings: Finding[],
  renderedCharts: ReadonlyMap<string, string>,
): Finding[] {
  return findings.filter((f) => {
    const chart = /^(.*?)values\.ya?ml$/.exec(f.file)?.[1];
    const output = chart === undefined ? undefined : renderedCharts.get(chart);
    if (output === undefined || !IMAGE_RULES.has(f.ruleId)) return true;
    // The messages of image rules start with the image: `redis:latest` …
    const image = /^`([^`]+)`/.exec(f.message)?.[1];
    if (!image) return true;
    // The same image rendered; or a values image without a tag that the chart renders with one.
    const untagged = !/[:@][^/]*$/.test(image);
    return !output.includes(untagged ? `${image}:` : image);
  });
}

/**
 * A finding on rendered text, moved to the template line it came from: its column where the
 * template shows the offending text literally, else the line's first character. A fix is left
 * out: its edits are offsets into the rendered text.
 */
function toTemplate(
  finding: Finding,
  rendered: SourceFile,
  template: SourceFile,
  output: RenderedTemplate,
): { moved: Finding; literal: boolean } {
  const line = output.lines[finding.line - 1] ?? 1;
  const renderedLine = rendered.lines()[finding.line - 1]?.text ?? "";
  const renderedEnd =
    finding.endLine === finding.line ? finding.endColumn : renderedLine.length + 1;
  const offending = renderedLine.slice(finding.column - 1, renderedEnd - 1);
  const templateLine = template.lines()[line - 1]?.text ?? "";
  const [column, endColumn] = locateIn(templateLine, renderedLine, offending);
  const literal = templateLine.slice(column - 1, endColumn - 1) === offending;
  const moved: Finding = {
    ...finding,
    file: template.path,
    line,
    column,
    endLine: line,
    endColumn,
  };
  delete moved.fix;
  return { moved, literal };
}

/**
 * Where a template line shows rendered text (1-based columns, end exclusive), never inside an
 * action: all of it, else its longest literal start (`bitnami/kubectl:` of
 * `bitnami/kubectl:{{ .Values.tag }}`) up to the end of the templated value; else the value of
 * the key the rendered line sets (`image: {{ .Values.image }}`); else the line's text.
 */
function locateIn(line: string, rendered: string, text: string): [number, number] {
  const masked = line.replace(/\{\{[^]*?\}\}/g, (action) => "\0".repeat(action.length));
  for (let length = text.length; length >= Math.min(3, text.length) && length > 0; length--) {
    const at = masked.indexOf(text.slice(0, length));
    if (at === -1) continue;
    if (length === text.length) return [at + 1, at + 1 + length];
    return [at + 1, valueEnd(line, at + length)];
  }
  const key = /^\s*(?:-\s+)?([\w.\-/]+)\s*:/.exec(rendered)?.[1];
  if (key) {
    const value = new RegExp(`^(\\s*(?:-\\s+)?${escape(key)}\\s*:\\s*["']?)\\S`).exec(line);
    if (value) return [value[1]!.length + 1, valueEnd(line, value[1]!.length)];
  }
  const first = line.length - line.trimStart().length + 1;
  return [first, line.length + 1];
}

/** 1-based end (exclusive) of a value that goes on from `from`: past its last action. */
function valueEnd(line: string, from: number): number {
  const rest = line.slice(from);
  const close = rest.lastIndexOf("}}");
  const stop = close === -1 ? rest.search(/["'\s]|$/) : close + 2;
  return from + stop + 1;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
