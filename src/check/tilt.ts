/**
 * What the Tilt rules read in a Tiltfile: the local charts its built-in `helm()` renders, its
 * resources and their `resource_deps`, and what it tells Tilt not to watch. Paths in a Tiltfile
 * are relative to its directory; here they become paths relative to the scanned root.
 */
import { posix } from "node:path";
import { toRegex } from "./glob.js";
import type { SourceFile } from "./source.js";
import {
  argument,
  parseStarlark,
  stringList,
  stringValue,
  type Call,
  type Expr,
  type Program,
} from "./starlark.js";
import type { ScanContext } from "./types.js";

const programs = new WeakMap<SourceFile, Program>();

/** The Tiltfile's calls and assignments, parsed once per file. */
export function tiltProgram(file: SourceFile): Program {
  let program = programs.get(file);
  if (!program) programs.set(file, (program = parseStarlark(file.text)));
  return program;
}

/** The directory of a path relative to the root: "" for the root itself. */
export function directoryOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

/** `path`, relative to `dir`, relative to the root; undefined when absolute or outside it. */
export function resolve(dir: string, path: string): string | undefined {
  if (posix.isAbsolute(path) || path.includes("://")) return undefined;
  const joined = posix.normalize(posix.join(dir, path)).replace(/\/+$/, "");
  if (joined === ".." || joined.startsWith("../")) return undefined;
  return joined === "." ? "" : joined;
}

/** `dir/name`, or `name` at the root. */
export function inDirectory(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** A local chart rendered by the built-in `helm(pathToChartDir, …)`. */
export interface HelmChart {
  call: Call;
  /** The chart argument: its text is what a finding points at. */
  arg: Expr;
  /** The argument as written (a path, or the name of a variable holding one). */
  written: string;
  /** The chart directory relative to the root ("" for the root). */
  dir: string;
}

/** The chart argument as written, with the directory it names when it is a variable. */
export function chartLabel(chart: HelmChart): string {
  return chart.arg.kind === "string"
    ? `\`${chart.written}\``
    : `\`${chart.written}\` (\`${chart.dir || "."}\`)`;
}

/** The charts a Tiltfile renders with `helm()` whose directory the text tells. */
export function helmCharts(file: SourceFile): HelmChart[] {
  const program = tiltProgram(file);
  const out: HelmChart[] = [];
  for (const call of program.calls) {
    if (call.callee !== "helm") continue;
    const arg = argument(call, 0, "pathToChartDir");
    const path = stringValue(arg, program);
    const dir = path === undefined ? undefined : resolve(directoryOf(file.path), path);
    if (!arg || dir === undefined || /\.tgz$/.test(dir)) continue;
    out.push({ call, arg, written: file.text.slice(arg.start, arg.end), dir });
  }
  return out;
}

/** A Tilt resource declared by `k8s_resource`, `local_resource` or `helm_resource`. */
export interface Resource {
  call: Call;
  /** The resource's name (a k8s_resource's `new_name`, else its workload). */
  name: string;
  /** For k8s_resource: the workload's name (without a `:kind:namespace` suffix). */
  workload?: string;
  workloadArg?: Expr;
  /** Its `resource_deps`: [] when absent, undefined when the text does not tell them. */
  deps: string[] | undefined;
}

export function resources(file: SourceFile): Resource[] {
  const program = tiltProgram(file);
  const out: Resource[] = [];
  for (const call of program.calls) {
    // resource_deps' position among each function's parameters.
    const position = { k8s_resource: 5, local_resource: 4, helm_resource: -1 }[call.callee];
    if (position === undefined) continue;
    const depsArg = argument(call, position, "resource_deps");
    const deps = depsArg ? stringList(depsArg, program) : [];
    if (call.callee === "k8s_resource") {
      const workloadArg = argument(call, 0, "workload");
      const workload = stringValue(workloadArg, program)?.split(":")[0];
      const name = stringValue(argument(call, 1, "new_name"), program) ?? workload;
      if (name && workload) out.push({ call, name, workload, workloadArg, deps });
    } else {
      const name = stringValue(argument(call, 0, "name"), program);
      if (name) out.push({ call, name, deps });
    }
  }
  return out;
}

/**
 * Every resource `name` waits for, directly or through other resources; undefined when some
 * `resource_deps` on the way is not literal (then nothing can be said).
 */
export function dependencies(all: readonly Resource[], name: string): Set<string> | undefined {
  const seen = new Set<string>();
  const pending = [name];
  while (pending.length) {
    const next = pending.pop();
    for (const resource of all.filter((r) => r.name === next)) {
      if (!resource.deps) return undefined;
      for (const dep of resource.deps) {
        if (!seen.has(dep)) pending.push(dep);
        seen.add(dep);
      }
    }
  }
  return seen;
}

/**
 * What Tilt does not watch for a Tiltfile: its `.tiltignore` lines and `watch_settings(ignore=…)`
 * patterns; undefined when the .tiltignore cannot be read (text checked alone).
 */
export function ignorePatterns(file: SourceFile, context: ScanContext): string[] | undefined {
  if (!context.read) return undefined;
  const program = tiltProgram(file);
  const lines = (context.read(inDirectory(directoryOf(file.path), ".tiltignore")) ?? "").split(
    /\r?\n/,
  );
  for (const call of program.calls) {
    if (call.callee === "watch_settings") {
      lines.push(...(stringList(argument(call, 0, "ignore"), program) ?? []));
    }
  }
  return lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

/**
 * Whether Tilt ignores `path` (relative to the Tiltfile's directory). `.tiltignore` reads like
 * `.dockerignore`: patterns are anchored at the Tiltfile's directory (`*.tgz` does not reach
 * into subdirectories, `**` does), a pattern that matches a directory ignores what is inside,
 * `!` re-includes, and the last matching pattern wins.
 */
export function tiltIgnores(patterns: readonly string[], path: string): boolean {
  const ancestors = path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = posix
      .normalize(negated ? raw.slice(1).trim() : raw)
      .replace(/^\/+/, "")
      .replace(/\/+$/, "");
    const regex = new RegExp(`^${toRegex(pattern)}$`);
    if (ancestors.some((a) => regex.test(a))) ignored = !negated;
  }
  return ignored;
}
