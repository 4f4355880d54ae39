import type { KindRule } from "../../spec/kinds.js";

/**
 * A service parity does not run: a managed dev account (RDS, MSK, a SaaS API) or anything else
 * the developer reaches. Its values come from the developer's environment or from
 * `.parity/external.env` (git-ignored), never from the spec; it becomes a Secret that the apps'
 * env refers to, and never a workload.
 */
export const external: KindRule & { name: string; description: string } = {
  name: "external",
  description: "a service parity does not run: a managed dev account, from the developer's env",
  options: ["variables", "check"],
  required: ["variables"],
  port: undefined,
  commonOptions: ["kind"],
};

/** Where values come from, besides the environment: a git-ignored file beside the secrets. */
export const EXTERNAL_FILE = ".parity/external.env";
