import { dump } from "js-yaml";

/**
 * Objects as one multi-document YAML stream, byte-stable for equal input. js-yaml writes what
 * kubectl and Tilt read as YAML 1.1 (`yes`, `no`, `on` quoted, not taken for booleans) and does it
 * several times faster than a document-model serializer, which matters at hundreds of resources.
 * Parsing, where positions matter, stays with the `yaml` package.
 */
export function yamlDocuments(objects: readonly unknown[], header?: string): string {
  const body = objects.map((o) => dump(o, { lineWidth: -1, noRefs: true })).join("---\n");
  return header ? `${header}\n${body}` : body;
}
