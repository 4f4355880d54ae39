import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { kindRules } from "../catalog/index.js";
import { ParityError } from "../errors.js";
import { buildPlan } from "../plan/build.js";
import { SecretStore } from "../plan/secret-store.js";
import type { Plan } from "../plan/types.js";
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
  return { specPath, dir, spec, plan: buildPlan(spec, secrets), secrets };
}
