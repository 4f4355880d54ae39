import { z } from "zod";
import { specSchema } from "./schema.js";

/** The JSON Schema of `parity.yaml`, for editors (`# yaml-language-server: $schema=…`). */
export function specJsonSchema(kinds: readonly string[]): Record<string, unknown> {
  const schema = z.toJSONSchema(specSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const services = (schema.properties as Record<string, { additionalProperties?: unknown }>)
    .services;
  const service = services?.additionalProperties as
    { anyOf?: Array<{ properties?: Record<string, unknown> }> } | undefined;
  const kindProperty = service?.anyOf?.find((o) => o.properties)?.properties;
  if (kindProperty)
    kindProperty.kind = { type: "string", enum: [...kinds], description: "catalog kind" };
  return {
    ...schema,
    $id: "https://parity.dev/schema/parity.json",
    title: "parity.yaml",
    description: "One description of a service and its dependencies: parity renders and runs it.",
  };
}
