import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type PathSegment = string | number;

/** Where a path points in the YAML text, 1-based; the nearest existing ancestor when the path is missing. */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
  options: { atKey?: boolean } = {},
): { line: number; col: number } {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let offset = node?.range?.[0] ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (!pair) break;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if ((last && options.atKey) || !value?.range) {
        offset = key?.range?.[0] ?? offset;
        node = value;
        if (last || !value?.range) break;
        continue;
      }
      node = value;
      offset = value.range[0];
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item?.range) break;
      node = item;
      offset = item.range[0];
    } else {
      break;
    }
  }
  return lines.linePos(offset);
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
