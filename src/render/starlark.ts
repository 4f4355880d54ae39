/** A Starlark value as parity writes it; `Raw` is an expression written as-is (a variable name). */
export type StarValue = string | number | boolean | StarValue[] | Raw;

export class Raw {
  constructor(readonly code: string) {}
}

const WIDTH = 79;

/** A string literal, double-quoted the way buildifier formats it. */
export function str(value: string): string {
  return JSON.stringify(value);
}

export function value(v: StarValue, indent = ""): string {
  // A nested call spanning lines takes the indentation of where it stands.
  if (v instanceof Raw) return v.code.replace(/\n/g, `\n${indent}`);
  if (typeof v === "string") return str(v);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  const inline = `[${v.map((x) => value(x)).join(", ")}]`;
  if (indent.length + inline.length <= WIDTH && !inline.includes("\n")) return inline;
  const inner = indent + "    ";
  return `[\n${v.map((x) => `${inner}${value(x, inner)},\n`).join("")}${indent}]`;
}

/** A call with positional then keyword arguments; one argument a line when it does not fit. */
export function call(
  fn: string,
  positional: StarValue[],
  keywords: Array<[string, StarValue | undefined]> = [],
): string {
  const kw = keywords.filter((k): k is [string, StarValue] => k[1] !== undefined);
  const parts = [...positional.map((p) => value(p)), ...kw.map(([k, v]) => `${k} = ${value(v)}`)];
  const inline = `${fn}(${parts.join(", ")})`;
  if (inline.length <= WIDTH && !inline.includes("\n")) return inline;
  const inner = "    ";
  const lines = [
    ...positional.map((p) => `${inner}${value(p, inner)},`),
    ...kw.map(([k, v]) => `${inner}${k} = ${value(v, inner)},`),
  ];
  return `${fn}(\n${lines.join("\n")}\n)`;
}
