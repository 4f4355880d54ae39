import { stringify } from "yaml";

/** Objects as one multi-document YAML stream, byte-stable for equal input. */
export function yamlDocuments(objects: readonly unknown[], header?: string): string {
  const body = objects
    .map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
  return header ? `${header}\n${body}` : body;
}
