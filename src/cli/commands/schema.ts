import { catalog } from "../../catalog/index.js";
import { specJsonSchema } from "../../spec/json-schema.js";
import type { Output } from "../output.js";

/** `parity schema`: the JSON Schema of parity.yaml on stdout. */
export function schemaCommand(output: Output): number {
  output.print(JSON.stringify(specJsonSchema([...catalog.keys()]), null, 2));
  return 0;
}
