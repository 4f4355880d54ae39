import { UsageError } from "../../errors.js";
import type { AppResource, JobResource } from "../../plan/types.js";
import { localEnv } from "../../run/local/env.js";
import { planSecrets, redact } from "../endpoints.js";
import type { Output } from "../output.js";
import { openProject, requireExternalValues } from "../project.js";

export interface EnvOptions {
  file: string;
  for?: string;
  format: string;
  showSecrets?: boolean;
}

/**
 * `parity env`: the variables an app (or job) receives, with this machine's values, to run it
 * from an IDE against the running dependencies. Passwords are masked unless `--show-secrets`.
 */
export function envCommand(options: EnvOptions, output: Output): number {
  const { plan } = openProject(options.file);
  requireExternalValues(plan);
  const consumers = plan.resources.filter(
    (r): r is AppResource | JobResource => r.sort !== "service",
  );
  const consumer = options.for
    ? consumers.find((r) => r.name === options.for)
    : (consumers.find((r) => r.sort === "app") ?? consumers[0]);
  if (!consumer)
    throw new UsageError(
      options.for
        ? `no app or job "${options.for}"`
        : "the spec has no app or job to give an environment to",
    );
  if (!["dotenv", "shell", "json"].includes(options.format))
    throw new UsageError(`--format must be dotenv, shell or json`);

  const full = localEnv(consumer, {});
  const secrets = planSecrets(plan);
  const vars = Object.entries(full).map(
    ([name, value]) => [name, options.showSecrets ? value! : redact(value!, secrets)] as const,
  );
  if (options.format === "json") output.print(JSON.stringify(Object.fromEntries(vars), null, 2));
  else if (options.format === "shell")
    for (const [k, v] of vars) output.print(`export ${k}=${shellQuote(v)}`);
  else for (const [k, v] of vars) output.print(`${k}=${dotenvQuote(v)}`);
  if (!options.showSecrets && secrets.length)
    output.info("(passwords masked: add --show-secrets to print them)");
  return 0;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function dotenvQuote(value: string): string {
  return /^[\w@%+=:,./*-]*$/.test(value) ? value : JSON.stringify(value);
}
