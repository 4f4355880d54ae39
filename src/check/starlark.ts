/**
 * Just enough of Starlark (the language of Tiltfiles) to read call expressions as data: strings
 * in every quote style, comments, brackets, positional and keyword arguments, lists, nested
 * calls and simple `NAME = value` assignments. Never throws: unfinished strings and unbalanced
 * brackets end where the text ends, and nesting past a depth is read as an opaque expression.
 */

interface Token {
  kind: "string" | "name" | "punct" | "other";
  /** A string's decoded value, a name (dotted: `os.path.join`), the punctuation itself. */
  text: string;
  start: number;
  end: number;
  /** A string's contents, inside the quotes. */
  inner?: readonly [number, number];
  /** First token of its physical line, and the number of brackets open around it. */
  lineStart: boolean;
  depth: number;
}

/** A string literal (adjacent literals are one); start/end span the contents, inside quotes. */
export interface StringExpr {
  kind: "string";
  value: string;
  start: number;
  end: number;
  /** The literal as written: quotes and prefixes included. */
  literal: readonly [number, number];
}

export interface ListExpr {
  kind: "list";
  items: Expr[];
  start: number;
  end: number;
}

export interface NameExpr {
  kind: "name";
  name: string;
  start: number;
  end: number;
}

/** Anything else: numbers, operators, comprehensions, dicts, subscripts. */
export interface OtherExpr {
  kind: "other";
  start: number;
  end: number;
}

export interface Arg {
  /** The keyword of `key=value`; `*` for `*args` and `**kwargs`. */
  keyword?: string;
  value: Expr;
}

/** A call `callee(args…)`; start/end span the whole call, `callee` may be dotted. */
export interface Call {
  kind: "call";
  callee: string;
  args: Arg[];
  start: number;
  end: number;
}

export type Expr = StringExpr | ListExpr | NameExpr | OtherExpr | Call;

export interface Program {
  /** Every call, nested ones included, in source order. */
  calls: Call[];
  /** The values assigned to each name by `NAME = value` statements, in order. */
  assignments: ReadonlyMap<string, readonly Expr[]>;
}

// Deeper than real Tiltfiles nest; deeper brackets are read as opaque expressions.
const MAX_DEPTH = 64;
const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSE = new Set([")", "]", "}"]);
const KEYWORDS = new Set(["if", "elif", "while", "for", "in", "not", "and", "or", "return"]);
const STRING = /([rRbBuU]{0,2})('''|"""|'|")/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /\.?[0-9][0-9A-Za-z_.]*/y;
const OPERATOR = /\*\*|\/\/|==|!=|<=|>=|->|[-+*/%&|^]=|./y;
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let lineStart = true;
  let depth = 0;
  const push = (
    kind: Token["kind"],
    value: string,
    start: number,
    end: number,
    inner?: Token["inner"],
  ) => {
    if (kind === "punct" && CLOSE.has(value)) depth = Math.max(0, depth - 1);
    tokens.push({ kind, text: value, start, end, inner, lineStart, depth });
    if (kind === "punct" && OPEN[value]) depth++;
    lineStart = false;
  };
  const sticky = (regex: RegExp, at: number) => {
    regex.lastIndex = at;
    return regex.exec(text);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    let m: RegExpExecArray | null;
    if (c === "\n") {
      lineStart = true;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f") i++;
    else if (c === "\\" && /^\r?\n/.test(text.slice(i + 1, i + 3))) {
      i += text[i + 1] === "\n" ? 2 : 3; // a line continuation joins the next line
    } else if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if ((m = sticky(STRING, i))) {
      const raw = /[rR]/.test(m[1]!);
      const quote = m[2]!;
      const from = i + m[0].length;
      let value = "";
      let j = from;
      while (j < text.length && !text.startsWith(quote, j)) {
        if (text[j] === "\n" && quote.length === 1) break; // unterminated: it ends with its line
        if (text[j] === "\\" && j + 1 < text.length) {
          const next = text[j + 1]!;
          if (raw) value += text.slice(j, j + 2);
          else if (next !== "\n") value += ESCAPES[next] ?? text.slice(j, j + 2);
          j += 2;
        } else value += text[j++];
      }
      const end = text.startsWith(quote, j) ? j + quote.length : j;
      push("string", value, i, end, [from, Math.min(j, text.length)]);
      i = end;
    } else if ((m = sticky(NAME, i) ?? sticky(NUMBER, i) ?? sticky(OPERATOR, i))) {
      const kind = /^[A-Za-z_]/.test(m[0]) ? "name" : /^\.?[0-9]/.test(m[0]) ? "other" : "punct";
      push(kind, m[0], i, i + m[0].length);
      i += m[0].length;
    } else i++;
  }
  return tokens;
}

/** The calls and assignments of a Starlark file. */
export function parseStarlark(text: string): Program {
  const tokens = tokenize(text);
  const close = matchBrackets(tokens);
  const punct = (i: number, p: string) => tokens[i]?.kind === "punct" && tokens[i].text === p;
  const memo = new Map<number, Call>();

  // Where the expression that starts at `i` ends: a comma or a closing bracket of this level
  // (or, for a statement, the next line). Brackets inside are skipped whole.
  const end = (i: number, limit: number, statement = false): number => {
    let j = i;
    while (j < limit) {
      const t = tokens[j]!;
      if (statement && j > i && t.lineStart) break;
      if (t.kind === "punct") {
        if (OPEN[t.text]) {
          j = close[j]! + 1;
          continue;
        }
        if (t.text === "," || CLOSE.has(t.text) || (statement && t.text === ";")) break;
      }
      j++;
    }
    return Math.min(j, limit);
  };

  // The comma-separated spans between `from` and `to` (empty ones, as after a trailing comma, dropped).
  const split = (from: number, to: number): [number, number][] => {
    const spans: [number, number][] = [];
    for (let i = from; i < to;) {
      const j = end(i, to);
      if (j > i) spans.push([i, j]);
      i = j + 1;
    }
    return spans;
  };

  const expr = (a: number, b: number, depth: number): Expr => {
    const first = tokens[a];
    const last = tokens[b - 1];
    if (!first || !last || b <= a) {
      const at = tokens[a - 1]?.end ?? 0;
      return { kind: "other", start: at, end: at };
    }
    const span = { start: first.start, end: last.end };
    if (depth > MAX_DEPTH) return { kind: "other", ...span };
    let strings = a;
    while (strings < b && tokens[strings]!.kind === "string") strings++;
    if (strings === b) {
      const value = tokens
        .slice(a, b)
        .map((t) => t.text)
        .join("");
      return {
        kind: "string",
        value,
        start: first.inner![0],
        end: last.inner![1],
        literal: [first.start, last.end],
      };
    }
    if (punct(a, "[") && close[a] === b - 1) {
      const items = split(a + 1, b - 1).map(([x, y]) => expr(x, y, depth + 1));
      return { kind: "list", items, ...span };
    }
    if (first.kind === "name" && punct(a + 1, "(") && close[a + 1] === b - 1 && isCallee(a)) {
      return call(a, depth + 1);
    }
    if (b - a === 1 && first.kind === "name") return { kind: "name", name: first.text, ...span };
    return { kind: "other", ...span };
  };

  const isCallee = (i: number) =>
    !KEYWORDS.has(tokens[i]!.text) &&
    !(tokens[i - 1]?.kind === "name" && tokens[i - 1]!.text === "def");

  const call = (at: number, depth: number): Call => {
    const known = memo.get(at);
    if (known) return known;
    const closer = close[at + 1]!;
    const args = split(at + 2, closer).map(([x, y]): Arg => {
      if (tokens[x]!.kind === "name" && punct(x + 1, "=")) {
        return { keyword: tokens[x]!.text, value: expr(x + 2, y, depth) };
      }
      if (punct(x, "*") || punct(x, "**")) return { keyword: "*", value: expr(x + 1, y, depth) };
      return { value: expr(x, y, depth) };
    });
    const last = tokens[Math.min(closer, tokens.length - 1)]!;
    const found: Call = {
      kind: "call",
      callee: tokens[at]!.text,
      args,
      start: tokens[at]!.start,
      end: last.end,
    };
    memo.set(at, found);
    return found;
  };

  const calls: Call[] = [];
  const assignments = new Map<string, Expr[]>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "name") continue;
    if (punct(i + 1, "(") && isCallee(i)) calls.push(call(i, 0));
    else if (t.lineStart && t.depth === 0 && punct(i + 1, "=")) {
      const value = expr(i + 2, end(i + 2, tokens.length, true), 0);
      assignments.set(t.text, [...(assignments.get(t.text) ?? []), value]);
    }
  }
  return { calls, assignments };
}

/**
 * For each opening bracket, the index of the bracket that closes it; an unclosed one closes at
 * the end (`tokens.length`). A stray closing bracket closes the nearest opening one of its
 * kind, which recovers from a missing bracket as a reader would.
 */
function matchBrackets(tokens: readonly Token[]): number[] {
  const close: number[] = [];
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "punct") return;
    if (OPEN[t.text]) open.push(i);
    else if (CLOSE.has(t.text)) {
      // Looked for near the top only, so that stray brackets cannot make this quadratic.
      let at = open.length - 1;
      while (at >= Math.max(0, open.length - MAX_DEPTH) && OPEN[tokens[open[at]!]!.text] !== t.text)
        at--;
      if (at < Math.max(0, open.length - MAX_DEPTH)) return;
      for (const o of open.splice(at)) close[o] = i;
    }
  });
  for (const o of open) close[o] = tokens.length;
  return close;
}

/** The argument at `position` (counting positional arguments) or passed as `keyword`. */
export function argument(call: Call, position: number, keyword: string): Expr | undefined {
  const named = call.args.find((a) => a.keyword === keyword);
  return named?.value ?? call.args.filter((a) => a.keyword === undefined)[position]?.value;
}

/** A string expression's value, through a name assigned a string once. */
export function stringValue(expr: Expr | undefined, program: Program): string | undefined {
  if (expr?.kind === "name") {
    const values = program.assignments.get(expr.name);
    expr = values?.length === 1 ? values[0] : undefined;
  }
  return expr?.kind === "string" ? expr.value : undefined;
}

/**
 * The strings of a list (or of one string), through names assigned once; undefined when any
 * item is not a string whose value the text tells (`deps + extra`, a comprehension).
 */
export function stringList(expr: Expr | undefined, program: Program): string[] | undefined {
  if (expr?.kind === "name") {
    const values = program.assignments.get(expr.name);
    expr = values?.length === 1 ? values[0] : undefined;
  }
  if (expr?.kind === "string") return [expr.value];
  if (expr?.kind !== "list") return undefined;
  const out: string[] = [];
  for (const item of expr.items) {
    const value = stringValue(item, program);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}
