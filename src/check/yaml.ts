import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Document,
  type Node,
  type YAMLMap,
} from "yaml";

/** Keys (and sequence indexes) from the document root to a node. */
export type YamlPath = readonly (string | number)[];

export interface YamlVisit {
  node: Node;
  path: YamlPath;
  /** The mapping that holds `node` as a value, if any: siblings are often needed. */
  parent?: YAMLMap;
}

/** Deeper than any real configuration; pathological nesting is not descended. */
const MAX_DEPTH = 256;

/**
 * Every value node of a document, depth-first in document order, with its path. Iterative and
 * depth-capped so that no input can exhaust the stack; aliases are not followed.
 */
export function* walk(doc: Document): Generator<YamlVisit> {
  const root = doc.contents as Node | null;
  if (!root) return;
  const stack: YamlVisit[] = [{ node: root, path: [] }];
  while (stack.length) {
    const visit = stack.pop()!;
    yield visit;
    const { node, path } = visit;
    if (path.length >= MAX_DEPTH) continue;
    // Children pushed last first, so that they are visited in document order.
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        if (!isPair(pair) || !pair.value) continue;
        const key = keyText(pair.key);
        if (key === undefined) continue;
        stack.push({ node: pair.value as Node, path: [...path, key], parent: node });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (item) stack.push({ node: item as Node, path: [...path, i] });
      }
    }
  }
}

/** The text of a scalar key; undefined for complex keys (`? [a, b]`). */
export function keyText(key: unknown): string | undefined {
  return isScalar(key) && key.value !== null && typeof key.value !== "object"
    ? String(key.value)
    : undefined;
}

/** The string a node holds, if it is a scalar string. */
export function stringOf(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/** The value of `key` in a mapping. */
export function get(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isPair(item) && keyText(item.key) === key);
  return (pair?.value as Node | null | undefined) ?? undefined;
}

/** Follows keys from a node; undefined when any is missing. */
export function getIn(node: unknown, keys: readonly string[]): Node | undefined {
  let current: unknown = node;
  for (const key of keys) current = get(current, key);
  return current as Node | undefined;
}

/** The key node of `key` in a mapping (to point at the key rather than its value). */
export function keyNode(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isPair(item) && keyText(item.key) === key);
  return (pair?.key as Node | undefined) ?? undefined;
}

/** Offset of a scalar's first content character: inside the quotes of a quoted scalar. */
export function valueStart(node: Node): number {
  const start = node.range?.[0] ?? 0;
  const quoted =
    isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE);
  return quoted ? start + 1 : start;
}

/**
 * Offset of `needle` in the source text of a node (escapes and block-scalar indentation make
 * the parsed value's offsets differ from the source's); the node's start when not found.
 */
export function offsetIn(text: string, node: Node, needle: string): number {
  const [start, end] = node.range ?? [0, 0];
  const at = text.slice(start, end).indexOf(needle);
  return at === -1 ? valueStart(node) : start + at;
}
