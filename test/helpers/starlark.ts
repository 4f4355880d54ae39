/**
 * Test helpers that read a generated Tiltfile with real parsers rather than regular expressions:
 * buildifier (the Starlark formatter Bazel uses) for syntax and formatting, and Python's `ast`
 * (Starlark's syntax is a subset of Python's) for the calls and their literal arguments.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BUILDIFIER = fileURLToPath(new URL("../../node_modules/.bin/buildifier", import.meta.url));

/** A literal argument as Python's ast sees it. */
export type StarLiteral =
  | string
  | number
  | boolean
  | null
  | StarLiteral[]
  | { name: string }
  | StarCall
  | { dict: Array<[StarLiteral, StarLiteral]> }
  /** Anything else (`a + b`, attribute access), as source text. */
  | { expr: string };

/** A call nested in an argument: `k8s_yaml(helm(...))`. */
export interface StarCall {
  call: string;
  args: StarLiteral[];
  kwargs: Record<string, StarLiteral>;
}

/** A call statement at the top level of the file. */
export interface TiltCall {
  fn: string;
  args: StarLiteral[];
  kwargs: Record<string, StarLiteral>;
  /** 1-based line of the call. */
  line: number;
}

export interface TiltModule {
  calls: TiltCall[];
  /** Top-level `name = value` assignments. */
  assignments: Record<string, StarLiteral>;
}

/**
 * Runs `buildifier --mode=check` on the text saved as a file named `Tiltfile`.
 * Exit 0: parses and is formatted; 4: parses but buildifier would reformat it; 1: syntax error
 * (stderr has `…/Tiltfile:line:col: syntax error`).
 */
export function buildifierCheck(text: string): { code: number; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "parity-buildifier-"));
  try {
    const file = join(dir, "Tiltfile");
    writeFileSync(file, text);
    const result = spawnSync(BUILDIFIER, ["--mode=check", "--lint=off", "--type=default", file], {
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    return { code: result.status ?? -1, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARSE_SCRIPT = String.raw`
import ast, json, sys

def lit(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [lit(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {"dict": [[lit(k), lit(v)] for k, v in zip(node.keys, node.values)]}
    if isinstance(node, ast.Name):
        return {"name": node.id}
    if isinstance(node, ast.Call):
        call = parts(node)
        return {"call": call[0], "args": call[1], "kwargs": call[2]}
    return {"expr": ast.unparse(node)}

def parts(node):
    kwargs = {}
    for kw in node.keywords:
        kwargs[kw.arg if kw.arg is not None else "**"] = lit(kw.value)
    return ast.unparse(node.func), [lit(a) for a in node.args], kwargs

try:
    tree = ast.parse(sys.stdin.read(), filename="Tiltfile")
except SyntaxError as error:
    print(json.dumps({"error": "Tiltfile:%s:%s: %s" % (error.lineno, error.offset, error.msg)}))
    sys.exit(1)

calls, assignments = [], {}
for stmt in tree.body:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        fn, args, kwargs = parts(stmt.value)
        calls.append({"fn": fn, "args": args, "kwargs": kwargs, "line": stmt.lineno})
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        assignments[stmt.targets[0].id] = lit(stmt.value)
print(json.dumps({"calls": calls, "assignments": assignments}))
`;

/** Parses the Tiltfile with Python's `ast`: its top-level calls and assignments. Throws on a syntax error. */
export function tiltModule(text: string): TiltModule {
  const result = spawnSync("python3", ["-c", PARSE_SCRIPT], { input: text, encoding: "utf8" });
  if (result.error) throw result.error;
  const out = JSON.parse(result.stdout || "{}") as Partial<TiltModule> & { error?: string };
  if (result.status !== 0 || out.error) {
    throw new Error(`python3 could not parse the Tiltfile: ${out.error ?? result.stderr}`);
  }
  return { calls: out.calls ?? [], assignments: out.assignments ?? {} };
}

/** Every top-level call of the Tiltfile, in order, with literal arguments. */
export function tiltCalls(text: string): TiltCall[] {
  return tiltModule(text).calls;
}

const RUN_SCRIPT = String.raw`
import json, os, sys

class TiltFail(Exception):
    pass

calls = []
def record(fn):
    def stub(*args, **kwargs):
        calls.append({"fn": fn, "args": list(args), "kwargs": kwargs})
        return {"call": fn}
    return stub

def fail(message):
    raise TiltFail(message)

env = {"os": os, "fail": fail}
for fn in ["k8s_yaml", "k8s_resource", "docker_build", "helm", "local_resource", "load", "helm_repo", "helm_resource"]:
    env[fn] = record(fn)
try:
    exec(compile(sys.stdin.read(), "Tiltfile", "exec"), env)
    print(json.dumps({"failed": None, "calls": calls}))
except TiltFail as error:
    print(json.dumps({"failed": str(error), "calls": calls}))
`;

/**
 * Evaluates the Tiltfile in `dir` with Python, Tilt's functions stubbed to record their calls and
 * `fail()` stopping evaluation as it does in Tilt. Only for Tiltfiles within the Python-compatible
 * subset of Starlark (which parity's are).
 */
export function runTiltfile(
  text: string,
  dir: string,
): { failed: string | null; calls: Array<{ fn: string }> } {
  const result = spawnSync("python3", ["-c", RUN_SCRIPT], {
    input: text,
    cwd: dir,
    encoding: "utf8",
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python3 could not run the Tiltfile: ${result.stderr}`);
  return JSON.parse(result.stdout) as { failed: string | null; calls: Array<{ fn: string }> };
}
