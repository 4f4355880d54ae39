import { stringify } from "yaml";

/**
 * Objects as one multi-document YAML stream, byte-stable for equal input. Written as YAML 1.1,
 * which kubectl and Tilt read: `yes`/`no`/`on` are then quoted, not taken for booleans.
 */
export function yamlDocuments(objects: readonly unknown[], header?: string): string {
  const body = objects
    .map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" }))
    .join("---\n");
  return header ? `${header}\n${body}` : body;
}
