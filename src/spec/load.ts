import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { SpecError, type SpecIssue } from "../errors.js";
import type { KindRules } from "./kinds.js";
import { locate, type PathSegment } from "./positions.js";
import { specSchema, type Spec } from "./schema.js";
import { checkSemantics, type RawIssue } from "./semantics.js";
import { didYouMean } from "./suggest.js";

/**
 * Parses and validates a spec. Every problem is collected and thrown together as one SpecError
 * (`file:line:col: path: message`); nothing else is ever thrown.
 */
export function loadSpec(text: string, file: string, rules: KindRules): Spec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SpecError(
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, col, path: "", message: firstLine(error.message) };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError([
      { file, line: 1, col: 1, path: "", message: firstLine(String((error as Error).message)) },
    ]);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new SpecError([
      {
        file,
        line: 1,
        col: 1,
        path: "",
        message: "the spec must be a mapping with at least `name:`",
      },
    ]);
  }

  const parsed = specSchema.safeParse(raw);
  const rawIssues: RawIssue[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => fromZod(issue, raw));
  rawIssues.push(...checkSemantics(raw, rules));
  if (rawIssues.length || !parsed.success) {
    const issues = dedupe(rawIssues.map((issue) => place(issue, doc, lines, file)));
    throw new SpecError(issues.sort((a, b) => a.line - b.line || a.col - b.col));
  }
  return parsed.data;
}

function place(
  issue: RawIssue,
  doc: Parameters<typeof locate>[0],
  lines: LineCounter,
  file: string,
): SpecIssue {
  const { line, col } = locate(doc, lines, issue.path, { atKey: issue.atKey });
  return { file, line, col, path: issue.path.join("."), message: issue.message };
}

/** Zod issues reworded for people; unknown keys become one issue per key, at the key. */
function fromZod(issue: z.core.$ZodIssue, raw: unknown): RawIssue[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}"${didYouMean(key, allowed)}`,
      }));
    }
    case "invalid_type": {
      const actual = valueAt(raw, path);
      if (actual === undefined)
        return [{ path, message: `is required (${article(issue.expected)})`, atKey: true }];
      // Messages written in the schema are already meant for people.
      if (!issue.message.startsWith("Invalid input")) return [{ path, message: issue.message }];
      return [{ path, message: `expected ${article(issue.expected)}, got ${describe(actual)}` }];
    }
    case "invalid_union": {
      const actual = valueAt(raw, path);
      // Report the branch that fits the value's type (`18.10` is a number, so the number branch).
      const branch = issue.errors.find(
        (branchIssues) => !branchIssues.some((e) => isTypeMismatch(e, actual)),
      );
      const inner = branch?.[0];
      if (inner)
        return fromZod({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, raw);
      return [{ path, message: `${describe(actual)} is not allowed here` }];
    }
    case "invalid_key":
      return [{ path, atKey: true, message: issue.issues[0]?.message ?? "invalid name" }];
    case "invalid_value":
      return [
        {
          path,
          message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        },
      ];
    case "too_small":
    case "too_big": {
      const bound =
        issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      const unit =
        issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return [{ path, message: `must be ${bound}${unit}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** Keys the schema accepts at a path, for did-you-mean. */
function allowedKeys(path: PathSegment[]): string[] {
  // Walk the zod shape along the path; records and unions are looked through.
  let schema: unknown = specSchema;
  for (const segment of path) schema = child(schema, segment);
  return Object.keys(shapeOf(schema) ?? {});
}

function child(schema: unknown, segment: PathSegment): unknown {
  const def = (schema as { def?: Record<string, unknown> } | undefined)?.def;
  if (!def) return undefined;
  switch (def.type) {
    case "object":
      return (def.shape as Record<string, unknown>)[segment];
    case "record":
      return def.valueType;
    case "default":
    case "optional":
    case "nullable":
      return child(def.innerType, segment);
    case "pipe":
      return child(def.in, segment);
    case "union":
      return (def.options as unknown[]).map((o) => child(o, segment)).find(Boolean);
    default:
      return undefined;
  }
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = (schema as { def?: Record<string, unknown> } | undefined)?.def;
  if (!def) return undefined;
  if (def.type === "object") return def.shape as Record<string, unknown>;
  if (def.type === "union") return (def.options as unknown[]).map(shapeOf).find(Boolean);
  if (["default", "optional", "nullable"].includes(def.type as string))
    return shapeOf(def.innerType);
  if (def.type === "pipe") return shapeOf(def.in);
  return undefined;
}

const BASIC_TYPES = new Set(["string", "number", "boolean", "object", "array", "null"]);

function isTypeMismatch(issue: z.core.$ZodIssue, actual: unknown): boolean {
  if (issue.code !== "invalid_type" || issue.path.length > 0) return false;
  if (!BASIC_TYPES.has(issue.expected)) return false;
  const type = actual === null ? "null" : Array.isArray(actual) ? "array" : typeof actual;
  return issue.expected !== type;
}

function valueAt(raw: unknown, path: PathSegment[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    record: "a mapping",
  };
  return names[expected] ?? (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.col}:${i.path}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
