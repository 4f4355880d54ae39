import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { EXTERNAL_FILE } from "../catalog/external/index.js";
import { kindRules } from "../catalog/index.js";
import { ParityError } from "../errors.js";
import { buildPlan } from "../plan/build.js";
import { SecretStore } from "../plan/secret-store.js";
import type { Plan } from "../plan/types.js";
import { missingExternalValues } from "../run/external.js";
import { loadSpec } from "../spec/load.js";
import type { Spec } from "../spec/schema.js";

/** A loaded project: the spec file, its directory, its plan and the store of its secrets. */
export interface Project {
  specPath: string;
  dir: string;
  spec: Spec;
  plan: Plan;
  secrets: SecretStore;
}

/**
 * Loads and plans the spec. Throws a SpecError before anything is written; generated secrets are
 * kept in memory until the caller saves the store.
 */
export function openProject(file: string, cwd = process.cwd()): Project {
  const specPath = resolve(cwd, file);
  if (!existsSync(specPath)) {
    throw new ParityError(
      `${file}: no such file: write a parity.yaml (see the README) or pass --file PATH`,
      {
        exitCode: 2,
      },
    );
  }
  const display = relative(cwd, specPath) || file;
  const spec = loadSpec(readFileSync(specPath, "utf8"), display, kindRules);
  const dir = dirname(specPath);
  const secrets = new SecretStore(dir);
  const external = externalValues(dir);
  return { specPath, dir, spec, plan: buildPlan(spec, secrets, external), secrets };
}

/**
 * Values of external services' variables: the developer's environment first, then the
 * git-ignored `.parity/external.env` (`NAME=value` lines). Never the spec.
 */
function externalValues(dir: string): (variable: string) => string | undefined {
  const path = join(dir, EXTERNAL_FILE);
  const file = new Map<string, string>();
  if (existsSync(path))
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (match) file.set(match[1]!, match[2]!.trim().replace(/^(["'])(.*)\1$/, "$2"));
    }
  return (variable) => process.env[variable] || file.get(variable);
}

/** Refuses a command that hands out external values while one is not set, naming each. */
export function requireExternalValues(plan: Plan): void {
  const missing = missingExternalValues(plan);
  if (missing.length) throw new ParityError(missing.join("\n"));
}
