import { ADVICE, credentialFindings } from "../credentials.js";
import type { Rule } from "../types.js";

/** Passwords in the compose files and CI service containers that run throwaway servers. */
export const composeCredentialsRule: Rule = {
  meta: {
    id: "compose-credentials",
    severity: "warning",
    optIn: true,
    description: "Literal passwords in local compose files and CI service containers (opt-in)",
    docs:
      "A compose file for development and a CI job's service containers start throwaway servers " +
      "on one machine: `POSTGRES_PASSWORD: postgres` there reaches no cluster, and most teams " +
      "mean it. This rule is off by default and reports them for teams that want no literal " +
      "password in any tracked file (`--rule compose-credentials=warning`, or " +
      "`rules: {compose-credentials: warning}` in .paritycheck.yaml). It reads what " +
      "plaintext-credentials reads in manifests: environment entries named like passwords, in " +
      "the map and list forms, and connection URLs with a password; placeholders (`${VAR}`, " +
      "`${VAR:-default}`) and untracked files are not reported.",
    advice: ADVICE.compose("POSTGRES_PASSWORD", false),
  },
  fileTypes: ["compose", "ci"],
  triggers: ["assword", "ASSWORD", "ASSWD", "_PASS", "PWD", /:\/\/[^\s:@/]*:[^\s@/]+@/],
  check: (file, context) => credentialFindings(file, context, "local"),
};
