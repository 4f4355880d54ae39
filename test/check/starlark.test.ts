import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  argument,
  parseStarlark,
  stringList,
  stringValue,
  type Call,
  type Expr,
} from "../../src/check/starlark.js";
import { code } from "./helpers.js";

const callsNamed = (text: string, callee: string): Call[] =>
  parseStarlark(text).calls.filter((c) => c.callee === callee);
const at = (text: string, e: Expr | undefined) => (e ? text.slice(e.start, e.end) : undefined);

describe("parseStarlark", () => {
  it("reads positional and keyword arguments of multi-line calls, past comments", () => {
    const text = code(`
      k8s_resource(
          'myapp',  # the app, not helm('x')
          port_forwards='8080:8080',
          resource_deps = ["migrate",
                           'redis'],   # trailing comma next
      )
    `);
    const [call] = callsNamed(text, "k8s_resource");
    expect(call!.args.map((a) => a.keyword)).toEqual([undefined, "port_forwards", "resource_deps"]);
    expect(stringValue(argument(call!, 0, "workload"), parseStarlark(text))).toBe("myapp");
    expect(at(text, argument(call!, 0, "workload"))).toBe("myapp");
    expect(stringList(argument(call!, 5, "resource_deps"), parseStarlark(text))).toEqual([
      "migrate",
      "redis",
    ]);
    expect(callsNamed(text, "helm")).toEqual([]);
  });

  it("finds nested calls, and keyword arguments passed by name", () => {
    const text = `k8s_yaml(helm(pathToChartDir='charts/api', values=['v.yaml']))\n`;
    const { calls } = parseStarlark(text);
    const [outer, inner] = calls;
    expect(calls.map((c) => c.callee)).toEqual(["k8s_yaml", "helm"]);
    expect(outer!.args[0]!.value).toBe(inner);
    expect(at(text, argument(inner!, 0, "pathToChartDir"))).toBe("charts/api");
    expect(stringList(argument(inner!, 3, "values"), parseStarlark(text))).toEqual(["v.yaml"]);
  });

  it("decodes every string form: quotes, escapes, raw, triple-quoted, adjacent literals", () => {
    const text =
      String.raw`f('a\'b', "c\"d", r'e\n', """g
h""", 'i' "j", b'k')` + "\n";
    const values = callsNamed(text, "f")[0]!.args.map((a) => (a.value as { value?: string }).value);
    expect(values).toEqual(["a'b", 'c"d', "e\\n", "g\nh", "ij", "k"]);
  });

  it("does not read calls inside strings or comments, nor function definitions", () => {
    const text = code(`
      s = """helm('in-a-string')"""
      # helm('in-a-comment')
      def helm(path):
          return path
    `);
    expect(callsNamed(text, "helm")).toEqual([]);
  });

  it("resolves names assigned a string once, and not those assigned twice", () => {
    const text = code(`
      chart = 'charts/api'
      twice = 'a'
      twice = 'b'
      deps = ['postgres', chart]
      helm(chart)
      helm(twice)
      k8s_resource('x', resource_deps=deps)
      k8s_resource('y', resource_deps=deps + ['z'])
    `);
    const program = parseStarlark(text);
    const [first, second] = callsNamed(text, "helm");
    expect(stringValue(first!.args[0]!.value, program)).toBe("charts/api");
    expect(stringValue(second!.args[0]!.value, program)).toBeUndefined();
    const [x, y] = callsNamed(text, "k8s_resource");
    expect(stringList(argument(x!, 5, "resource_deps"), program)).toEqual([
      "postgres",
      "charts/api",
    ]);
    expect(stringList(argument(y!, 5, "resource_deps"), program)).toBeUndefined();
  });

  it("does not take keyword arguments on their own line for assignments", () => {
    const text = "helm(\n    'c',\n    name='api',\n)\n";
    expect(parseStarlark(text).assignments.size).toBe(0);
  });

  it("reads dotted callees, star arguments and line continuations", () => {
    const text = "x = os.path.join('a', \\\n  'b')\nf(*args, **kwargs, k=1)\n";
    expect(parseStarlark(text).calls.map((c) => c.callee)).toEqual(["os.path.join", "f"]);
    expect(callsNamed(text, "f")[0]!.args.map((a) => a.keyword)).toEqual(["*", "*", "k"]);
  });

  it("survives unfinished input: open strings, open and stray brackets", () => {
    for (const text of [
      "helm('charts/a",
      "helm(",
      "helm('a', [1, 2",
      "]]) helm('a')",
      "'''",
      "f((((",
    ]) {
      expect(() => parseStarlark(text)).not.toThrow();
    }
    const [call] = callsNamed("helm('charts/a', name='x'", "helm");
    expect(call!.args.map((a) => a.keyword)).toEqual([undefined, "name"]);
  });

  it("stays linear on pathological nesting", () => {
    const deep = "f(".repeat(20_000) + ")".repeat(20_000) + "[".repeat(20_000) + ")".repeat(20_000);
    const started = performance.now();
    expect(parseStarlark(deep).calls).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("never throws, and keeps every position inside the text", () => {
    const piece = fc.constantFrom(
      "helm(",
      "k8s_resource(",
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      ",",
      "=",
      "==",
      "'",
      '"',
      "'''",
      '"""',
      "r'",
      "\\",
      "\n",
      "#",
      " ",
      "name",
      "x.y",
      "1.5",
      "*",
      "**",
    );
    const text = fc
      .array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 60 })
      .map((p) => p.join(""));
    fc.assert(
      fc.property(text, (t) => {
        const visit = (e: Expr) => {
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeLessThanOrEqual(t.length);
          expect(e.start).toBeLessThanOrEqual(e.end);
          if (e.kind === "list") e.items.forEach(visit);
          if (e.kind === "call") e.args.forEach((a) => visit(a.value));
        };
        const program = parseStarlark(t);
        program.calls.forEach(visit);
        for (const values of program.assignments.values()) values.forEach(visit);
      }),
      { numRuns: 500 },
    );
  });
});
