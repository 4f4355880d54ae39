import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/types.js";
import { loadSpec } from "../../src/spec/load.js";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");

/** Secrets that are visible in assertions and stable across runs. */
export const fixedSecrets = { get: (key: string) => `secret-${key.toLowerCase()}-value` };

/** `external` gives external services' values; none by default, whatever the environment holds. */
export function planOf(
  yaml: string,
  secrets = fixedSecrets,
  external: (variable: string) => string | undefined = () => undefined,
): Plan {
  return buildPlan(loadSpec(yaml, "parity.yaml", kindRules), secrets, external);
}

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name, "parity.yaml"), "utf8");
}
