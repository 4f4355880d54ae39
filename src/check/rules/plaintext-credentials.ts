import { ADVICE, credentialFindings } from "../credentials.js";
import type { Rule } from "../types.js";

/** Passwords written into the files a repository commits. */
export const plaintextCredentialsRule: Rule = {
  meta: {
    id: "plaintext-credentials",
    severity: "error",
    description:
      "Literal passwords committed where they ship: manifests, chart values, kustomize, CI, Tiltfiles",
    docs:
      "A password written into a tracked file is in the repository's history for good, readable by " +
      "everyone with the code, and the same in every environment. The rule reports chart keys " +
      "(`password`, `auth.postgresPassword`, `rootPassword`…), environment entries such as " +
      "POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, RABBITMQ_DEFAULT_PASS, REDIS_PASSWORD, " +
      "MONGO_INITDB_ROOT_PASSWORD, MINIO_ROOT_PASSWORD and secret keys (AWS_SECRET_ACCESS_KEY, " +
      "S3_SECRET_KEY) with a literal `value:`, kustomize `secretGenerator` literals, " +
      "`--set auth.password=…` in Tiltfiles and scripts, Tilt's `secret_from_dict()`, and URLs " +
      "with an embedded password, whatever the scheme (postgres://user:pass@, redis://:pass@, " +
      "amqp://, https://user:token@) or in the query (`jdbc:postgresql://db/app?password=…`). " +
      "Weak values such as `changeme` are reported too: they are committed credentials all the " +
      "same. A Kubernetes Secret with literal `data`/`stringData` credentials (base64 decoded, " +
      "URLs included) is a warning. Not reported: `valueFrom.secretKeyRef`, `existingSecret`, " +
      "`${VAR}` / `$(VAR)` / `{{ … }}` placeholders (`${VAR:-default}` included), fill-in markers " +
      "(`_PASSWORD_`, `<password>`, `your-password`, `replace-me`), AWS's documented example keys, " +
      'flags (`"true"`), access key ids, empty values, a rendered template\'s values (reported ' +
      "in values.yaml) and passwords a template generates (`randAlphaNum`), chart tests and ci/ " +
      "values, " +
      "and the throwaway servers of local compose files and CI service containers (the opt-in " +
      "compose-credentials rule). In a git work tree only files git tracks are read.",
    advice: ADVICE.manifest,
  },
  fileTypes: ["manifest", "helm-values", "kustomization", "ci", "tiltfile"],
  // Password keys and env names, connection URLs, and `kind: Secret` (not imagePullSecrets).
  triggers: [
    "assword",
    "ASSWORD",
    "ASSWD",
    "_PASS",
    "PWD",
    /:\/\/[^\s:@/]*:[^\s@/]+@/,
    /\bSecret\b/,
    "SECRET_KEY",
    "SECRET_ACCESS_KEY",
    "secret_from_dict",
  ],
  check: (file, context) => credentialFindings(file, context, "shipped"),
};
