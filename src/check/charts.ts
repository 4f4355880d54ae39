/**
 * Helm charts checked as what they render: `helm template` with the chart's default values, run
 * for all charts of a run at once (as many at a time as there are CPUs), cached by the chart's
 * content so that an unchanged chart is never rendered twice. Each rendered document is given
 * back to the template file it came from (helm's `# Source:` comment), with a map from the
 * rendered lines to the template's, so that findings point at the template.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, homedir, tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { parseDocument } from "yaml";
import type { Discovered } from "./discover.js";
import type { Note } from "./types.js";

/** What a chart's templates became: by template path (relative to the root), or why not. */
export type ChartRender =
  { chart: string; templates: Map<string, RenderedTemplate> } | { chart: string; failure: string };

/** The documents one template rendered to, joined as one YAML stream. */
export interface RenderedTemplate {
  text: string;
  /** For each rendered line (0-based), the template's 1-based line it most likely came from. */
  lines: number[];
}

/** Bumped when what is cached (or how it is keyed) changes. */
const CACHE_FORMAT = "2";

/**
 * The helm binary a run uses: `PARITY_HELM` (empty turns rendering off), else `helm` on PATH;
 * undefined when there is none.
 */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PARITY_HELM !== undefined) return env.PARITY_HELM.trim() || undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "helm");
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The charts of a run worth rendering: every directory with a Chart.yaml, except the subcharts
 * vendored under another chart's charts/ (their parent renders them, with its values).
 */
export function chartRoots(files: readonly Discovered[]): string[] {
  const dirs = files
    .filter((f) => f.type === "helm-chart")
    .map((f) => f.relative.slice(0, -"Chart.yaml".length).replace(/\/$/, ""));
  const all = new Set(dirs);
  return dirs.filter((dir) => {
    const parts = dir.split("/");
    for (let i = parts.length - 2; i >= 1; i--) {
      if (parts[i] === "charts" && all.has(parts.slice(0, i).join("/"))) return false;
    }
    return true;
  });
}

/** Renders `charts` (relative to `root`) with `helm`; never throws. */
export function renderCharts(
  root: string,
  charts: readonly string[],
  helm: string,
): { renders: ChartRender[]; notes: Note[] } {
  const cacheDir = join(cacheHome(), "parity", "check", "helm");
  const helmStamp = stamp(helm);
  const renders: ChartRender[] = [];
  const notes: Note[] = [];
  if (helmStamp === undefined) {
    for (const chart of charts) {
      notes.push({
        file: chartFile(chart),
        message: `not rendered: helm (${helm}) cannot be run; its templates were read as text`,
      });
    }
    return { renders, notes };
  }
  const pending: { chart: string; key: string }[] = [];
  const outputs = new Map<string, HelmOutput>();
  for (const chart of charts) {
    const key = chartKey(join(root, chart), helmStamp);
    const cached = readCache(cacheDir, key);
    if (cached) outputs.set(chart, cached);
    else pending.push({ chart, key });
  }
  for (const [chart, output] of renderPending(root, pending, helm)) {
    outputs.set(chart, output);
    writeCache(cacheDir, pending.find((p) => p.chart === chart)!.key, output);
  }
  for (const chart of charts) {
    const output = outputs.get(chart)!;
    if (output.status !== 0) {
      const reason = firstLine(output.stderr) || `helm exited with ${output.status}`;
      renders.push({ chart, failure: reason });
      notes.push({
        file: chartFile(chart),
        message: `not rendered: \`helm template\` failed (${reason}); its templates were read as text`,
      });
      continue;
    }
    if (output.without?.length) {
      notes.push({
        file: chartFile(chart),
        message: `rendered without its dependencies ${output.without.join(", ")} (not in charts/: \`helm dependency build\` fetches them)`,
      });
    }
    renders.push({ chart, templates: splitRender(root, chart, output.stdout) });
  }
  return { renders, notes };
}

const chartFile = (chart: string) => (chart ? `${chart}/Chart.yaml` : "Chart.yaml");

function cacheHome(): string {
  return process.env.XDG_CACHE_HOME || join(homedir() || tmpdir(), ".cache");
}

/** The binary's identity, without running it: its path, size and modification time. */
function stamp(helm: string): string | undefined {
  try {
    const stats = statSync(helm);
    return stats.isFile() ? `${helm}\0${stats.size}\0${stats.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** A chart's content (every file below it, by path) and the helm that renders it. */
function chartKey(dir: string, helmStamp: string): string {
  const hash = createHash("sha256").update(`${CACHE_FORMAT}\0${helmStamp}\0`);
  const walk = (at: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        hash.update(`${prefix}${entry.name}\0`);
        try {
          hash.update(readFileSync(path));
        } catch {
          hash.update("\0unreadable");
        }
        hash.update("\0");
      }
    }
  };
  walk(dir, "");
  return hash.digest("hex");
}

interface HelmOutput {
  status: number;
  stdout: string;
  stderr: string;
  /** The dependencies left out: Chart.yaml lists them, charts/ does not hold them. */
  without?: string[];
}

const MISSING_DEPENDENCIES = /missing in charts\/ directory: (.+)$/m;

/**
 * Renders the pending charts; a chart whose dependencies were never fetched (most repositories
 * do not commit charts/) is rendered again from a copy that does not list them, so that its own
 * templates are still checked as they render.
 */
function renderPending(
  root: string,
  pending: readonly { chart: string }[],
  helm: string,
): Map<string, HelmOutput> {
  const outputs = runTemplates(
    pending.map(({ chart }) => ({ chart, dir: join(root, chart) })),
    helm,
  );
  const retry = [...outputs].flatMap(([chart, output]) => {
    const missing = output.status !== 0 ? MISSING_DEPENDENCIES.exec(output.stderr) : null;
    return missing ? [{ chart, without: missing[1]!.split(/,\s*/).map((d) => d.trim()) }] : [];
  });
  if (!retry.length) return outputs;
  const copies = join(tmpdir(), `parity-check-charts-${process.pid}-${Date.now()}`);
  try {
    const jobs = retry.flatMap(({ chart }, i) => {
      const dir = join(copies, String(i), basename(join(root, chart)) || "chart");
      try {
        cpSync(join(root, chart), dir, { recursive: true });
        const manifest = parseDocument(readFileSync(join(dir, "Chart.yaml"), "utf8"));
        manifest.delete("dependencies");
        writeFileSync(join(dir, "Chart.yaml"), manifest.toString());
        rmSync(join(dir, "Chart.lock"), { force: true });
        return [{ chart, dir }];
      } catch {
        return [];
      }
    });
    for (const [chart, output] of runTemplates(jobs, helm)) {
      if (output.status !== 0) continue;
      outputs.set(chart, { ...output, without: retry.find((r) => r.chart === chart)!.without });
    }
  } finally {
    rmSync(copies, { recursive: true, force: true });
  }
  return outputs;
}

function readCache(dir: string, key: string): HelmOutput | undefined {
  try {
    const output = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as HelmOutput;
    return typeof output.status === "number" && typeof output.stdout === "string"
      ? output
      : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, key: string, output: HelmOutput): void {
  try {
    mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a concurrent run never reads half an entry.
    const partial = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(partial, JSON.stringify(output));
    renameSync(partial, join(dir, `${key}.json`));
  } catch {
    // A cache that cannot be written only costs the next run a render.
  }
}

/**
 * `helm template` of every pending chart, as many at a time as there are CPUs, from one shell
 * (the check stays synchronous). Helm keeps its own state in a temporary home, never the user's.
 */
function runTemplates(
  pending: readonly { chart: string; dir: string }[],
  helm: string,
): Map<string, HelmOutput> {
  const results = new Map<string, HelmOutput>();
  if (!pending.length) return results;
  const work = join(tmpdir(), `parity-check-helm-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const parallel = Math.max(1, availableParallelism());
    const lines: string[] = [];
    pending.forEach(({ dir }, i) => {
      const out = join(work, String(i));
      lines.push(
        `("$PARITY_HELM_BIN" template ${quote(dir)} >${quote(`${out}.out`)} 2>${quote(`${out}.err`)}; echo $? >${quote(`${out}.rc`)}) &`,
      );
      if ((i + 1) % parallel === 0) lines.push("wait");
    });
    lines.push("wait");
    const home = join(work, "home");
    spawnSync("sh", ["-c", lines.join("\n")], {
      stdio: "ignore",
      env: {
        PATH: process.env.PATH ?? "",
        PARITY_HELM_BIN: helm,
        HOME: home,
        HELM_CONFIG_HOME: join(home, "config"),
        HELM_CACHE_HOME: join(home, "cache"),
        HELM_DATA_HOME: join(home, "data"),
      },
    });
    pending.forEach(({ chart }, i) => {
      const read = (ext: string) => {
        try {
          return readFileSync(join(work, `${i}.${ext}`), "utf8");
        } catch {
          return "";
        }
      };
      const rc = Number.parseInt(read("rc").trim(), 10);
      results.set(chart, {
        status: Number.isNaN(rc) ? 127 : rc,
        stdout: read("out"),
        stderr: read("err"),
      });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/** helm's errors start with `Error: `; the first line says what failed. */
function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() && !/^walk\.go|^WARNING/.test(l)) ?? "";
  return line
    .replace(/^Error: /, "")
    .trim()
    .slice(0, 300);
}

/**
 * helm's output split by `# Source: <chart name>/<path>`: each document goes to the file below
 * the chart at that path (subcharts' under `charts/<name>/`); documents from files not on disk
 * (a packaged subchart) are left out, since no line of this repository made them.
 */
function splitRender(root: string, chart: string, stdout: string): Map<string, RenderedTemplate> {
  const byFile = new Map<string, string[]>();
  for (const doc of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(doc)?.[1]?.trim();
    if (!source || !doc.trim()) continue;
    const file = chart ? `${chart}/${source}` : source;
    if (!existsSync(join(root, file))) continue;
    const docs = byFile.get(file) ?? [];
    docs.push(doc.replace(/^\n/, ""));
    byFile.set(file, docs);
  }
  const templates = new Map<string, RenderedTemplate>();
  for (const [file, docs] of byFile) {
    const text = docs.map((d) => (d.endsWith("\n") ? d : `${d}\n`)).join("---\n");
    let template = "";
    try {
      template = readFileSync(join(root, file), "utf8");
    } catch {
      // gone since helm read it: every line maps to the first
    }
    templates.set(file, { text, lines: mapLines(template.split("\n"), text.split("\n")) });
  }
  return templates;
}

/** A template line as a pattern: the literal text between its actions, trimmed. */
interface LinePattern {
  parts: string[];
  /** The line has no action: it must equal the rendered line. */
  exact: boolean;
  /** `key:` at its start, when it has one. */
  key?: string;
}

const KEY = /^(?:-\s+)?([\w.\-/"']+)\s*:(?:\s|$)/;

function pattern(line: string): LinePattern | undefined {
  const trimmed = line.trim();
  const parts = trimmed.split(/\{\{[^]*?\}\}/);
  // A line that is only actions (`{{- if … }}`, `{{ include … }}`) renders to other lines.
  if (!parts.join("").trim() || trimmed.startsWith("#")) return undefined;
  const key = KEY.exec(trimmed)?.[1];
  return { parts: parts.map((p) => p.trim()), exact: parts.length === 1, ...(key ? { key } : {}) };
}

function matches(p: LinePattern, rendered: string): boolean {
  if (p.exact) return p.parts[0] === rendered;
  let at = 0;
  for (const [i, part] of p.parts.entries()) {
    if (!part) continue;
    const found = rendered.indexOf(part, at);
    if (found === -1 || (i === 0 && found !== 0)) return false;
    at = found + part.length;
  }
  const last = p.parts[p.parts.length - 1]!;
  return !last || rendered.endsWith(last);
}

/**
 * For each rendered line, the template line it came from: the next template line (in order,
 * so that repeated keys map to their own lines) whose literal text it shows, else one with the
 * same key, searched again from the top for a `range` that repeats lines; a line that comes
 * from a helper (`include`) maps to the line before it, which is where the helper was called.
 */
export function mapLines(template: readonly string[], rendered: readonly string[]): number[] {
  const patterns = template.map(pattern);
  const out: number[] = [];
  let cursor = 0;
  let previous = Math.max(1, patterns.findIndex((p) => p) + 1);
  const find = (test: (p: LinePattern) => boolean, from: number, to: number) => {
    for (let j = from; j < to; j++) if (patterns[j] && test(patterns[j]!)) return j;
    return -1;
  };
  for (const raw of rendered) {
    const line = raw.trim();
    if (!line || line.startsWith("# Source:") || line === "---") {
      out.push(previous);
      continue;
    }
    const key = KEY.exec(line)?.[1];
    const byText = (p: LinePattern) => matches(p, line);
    const byKey = (p: LinePattern) => key !== undefined && p.key === key;
    let j = find(byText, cursor, patterns.length);
    if (j === -1) j = find(byText, 0, cursor);
    if (j === -1) j = find(byKey, cursor, Math.min(patterns.length, cursor + 8));
    if (j === -1) {
      out.push(previous);
      continue;
    }
    cursor = j + 1;
    previous = j + 1;
    out.push(previous);
  }
  return out;
}
