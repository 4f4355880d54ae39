/**
 * Text edits that change YAML the way a person would: a new key written by the yaml package and
 * indented like its siblings, a new list item in the list's own style. Each returns undefined
 * where the layout is unusual enough that an edit might mean something else (flow maps,
 * several keys on a line): a fix is then not offered, which is always safe.
 */
import { Document, isMap, isScalar, isSeq, stringify, type Node } from "yaml";
import type { TextEdit } from "./types.js";
import { keyText } from "./yaml.js";

/** The line break a text uses. */
export function lineBreak(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the next line's start after `offset` (the end of the text when there is none). */
function nextLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return offset;
  const at = text.indexOf("\n", offset);
  return at === -1 ? text.length : at + 1;
}

/**
 * Where a node's own text ends: a block collection's range runs on over the comments after its
 * last entry (up to the next sibling), so its end is its last entry's; an empty value (`key:`
 * with nothing, or only a comment) ends with its key.
 */
function contentEnd(node: Node | null | undefined, key?: Node | null): number | undefined {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length) {
    const last = node.items.at(-1)!;
    return isMap(node)
      ? contentEnd((last as { value?: Node | null }).value, (last as { key?: Node | null }).key)
      : contentEnd(last as Node);
  }
  const range = node?.range;
  const empty = !range || range[0] === range[1] || (isScalar(node) && node.source === "");
  return empty ? key?.range?.[1] : range[1];
}

/**
 * The column of a node that starts its line, after indentation and any `- ` indicators of the
 * sequence items it opens; undefined when something else comes before it on its line.
 */
function ownLineColumn(text: string, offset: number): number | undefined {
  const start = lineStart(text, offset);
  return /^ *(?:- +)*$/.test(text.slice(start, offset)) ? offset - start : undefined;
}

/** `key: value` as the yaml package writes it, each line indented by `column`. */
function pairText(key: string, value: unknown, column: number, newline: string): string {
  const written = new Document({ [key]: value }).toString({ indent: 2, lineWidth: 0 });
  const pad = " ".repeat(column);
  return written
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => pad + line + newline)
    .join("");
}

/**
 * Adds `key: value` to a block mapping: on its own line before the first of the `before` keys
 * that starts a line (to keep the order people write, e.g. `strategy` before `template`), else
 * after the mapping's last entry.
 */
export function addPair(
  text: string,
  map: Node | undefined,
  key: string,
  value: unknown,
  before: readonly string[] = [],
): TextEdit | undefined {
  if (!isMap(map) || map.flow || !map.items.length || !map.range) return undefined;
  // A merge key (`<<: *base`) brings keys this text does not show: adding one could override.
  if (map.items.some((pair) => keyText(pair.key) === "<<")) return undefined;
  const firstKey = map.items[0]!.key as Node | null;
  const keyStart = firstKey?.range?.[0];
  if (keyStart === undefined) return undefined;
  const column = ownLineColumn(text, keyStart);
  if (column === undefined) return undefined;
  const newline = lineBreak(text);
  const anchors = map.items.flatMap((pair) => {
    const name = keyText(pair.key);
    const at = (pair.key as Node | null)?.range?.[0];
    // Keys that begin their line (not one after a `- `).
    return name !== undefined && before.includes(name) && at !== undefined
      ? /^ *$/.test(text.slice(lineStart(text, at), at))
        ? [lineStart(text, at)]
        : []
      : [];
  });
  const end = contentEnd(map);
  if (end === undefined) return undefined;
  const at = anchors.length ? Math.min(...anchors) : nextLine(text, end);
  const lead = at === text.length && at > 0 && text[at - 1] !== "\n" ? newline : "";
  return { range: [at, at], text: lead + pairText(key, value, column, newline) };
}

/**
 * Adds strings to a sequence right after one of its items, as separate items: `, "-h", "x"` in
 * a flow sequence, `- "-h"` lines at the item's indicator in a block sequence.
 */
export function addItemsAfter(
  text: string,
  seq: Node | undefined,
  item: Node,
  values: readonly string[],
): TextEdit | undefined {
  if (!isSeq(seq) || !item.range) return undefined;
  if (seq.flow) {
    const quoted = values.map((v) => `, ${JSON.stringify(v)}`).join("");
    return { range: [item.range[1], item.range[1]], text: quoted };
  }
  const start = lineStart(text, item.range[0]);
  const indicator = /^( *)- +$/.exec(text.slice(start, item.range[0]));
  // A multi-line item (a block scalar) would need its end found: not offered.
  if (!indicator || text.slice(item.range[0], item.range[1]).includes("\n")) return undefined;
  const newline = lineBreak(text);
  const at = nextLine(text, item.range[1]);
  const lead = at === text.length && text[at - 1] !== "\n" ? newline : "";
  const pad = indicator[1]!;
  // Written as yaml writes a string alone: plain unless it would read as something else.
  const written = values.map((v) => `${pad}- ${stringify(v).trimEnd()}${newline}`).join("");
  return { range: [at, at], text: lead + written };
}

/** Replaces a scalar's source text (quotes included) with `replacement`. */
export function replaceNode(node: Node | undefined, replacement: string): TextEdit | undefined {
  const range = node?.range;
  return range ? { range: [range[0], range[1]], text: replacement } : undefined;
}
