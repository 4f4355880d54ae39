import { isScalar, Scalar, type Node } from "yaml";
import type { SourceFile } from "../source.js";
import type { Rule, RuleFinding } from "../types.js";
import { get, getIn, offsetIn, stringOf, walk } from "../yaml.js";

// POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, RABBITMQ_DEFAULT_PASS, REDIS_PASSWORD, PGPASSWORD…
// but not the switches around them (MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_RANDOM_ROOT_PASSWORD).
const ENV_NAME = /^(?:[A-Z][A-Z0-9]*_)+(?:PASSWORD|PASSWD|PASS|PWD)$|^(?:PG)?PASSW(?:OR)?D$/;
const ENV_SWITCH = /EMPTY|RANDOM|ONETIME|GENERATE|ALLOW/;
// Chart keys: password, auth.postgresPassword, auth.rootPassword, replicationPassword… but not
// switches (usePasswordFiles, allowEmptyPassword) nor the key names of an existing Secret.
const CHART_KEY = /^(?:password|[a-z][a-zA-Z0-9]*Password)$/;
const CHART_SWITCH = /^(?:allow|use|enable|disable|require|skip|generate|random|show|reset|empty)/;
const SECRET_NAMES = /secretKey|existingSecret|secretRef|keyRef|Keys$|encryptedData/i;
// A Secret's keys that hold credentials (its `username` or `host` do not).
const CREDENTIAL_KEY = /pass|pwd|secret|token|key|cred|cookie|auth|cert|dockerc/i;
// A connection URL with a password: postgres://user:pass@, redis://:pass@, mongodb+srv://…
const URL_PASSWORD =
  /\b(postgres(?:ql)?|rediss?|amqps?|mongodb(?:\+srv)?|mysql|mariadb)(?:\+[\w-]+)?:\/\/[^\s:@/]*:([^\s@/]+)@/g;
// Placeholders filled in later: compose/envsubst ${VAR}, $VAR, Kubernetes $(VAR), templates.
const PLACEHOLDER = /\$\{|\$\(|\{\{|^\$[A-Za-z_]/;

const ADVICE = {
  compose: (name: string, list: boolean) =>
    `Take it from the environment or a git-ignored .env file: \`${list ? `- ${name}=` : `${name}: `}\${${name}:?set it in .env}\`; ` +
    "or, where the image reads `*_FILE`, use compose secrets (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password` with `secrets: [db_password]`).",
  manifest:
    "Reference a Secret created outside git: `valueFrom: {secretKeyRef: {name: db-credentials, key: password}}`, " +
    "made with `kubectl create secret generic db-credentials --from-literal=password=…` (or a SealedSecret / ExternalSecret).",
  values: (key: string) =>
    "Point the chart at a Secret created outside git (Bitnami-style charts: `auth.existingSecret: db-credentials`), " +
    `or pass the value at install time: \`helm upgrade --install … --set ${key}=$DB_PASSWORD\`.`,
  url: {
    compose:
      "Interpolate the password: `postgres://app:${DB_PASSWORD}@db:5432/app`, with DB_PASSWORD in the environment or a git-ignored .env.",
    manifest:
      "Define `DB_PASSWORD` from a Secret first (`valueFrom: {secretKeyRef: {name: db-credentials, key: password}}`), " +
      "then build the URL from it: `value: postgres://app:$(DB_PASSWORD)@db:5432/app`.",
    values:
      "Keep the URL in a Secret created outside git and point the chart at it (an `existingSecret`-style value), " +
      "or pass it at install time with `--set`.",
  },
  secret:
    "Do not commit Secret manifests: create the Secret at deploy time (`kubectl create secret generic NAME --from-literal=KEY=…`, " +
    "or a kustomize secretGenerator reading a git-ignored .env), or commit an encrypted SealedSecret, SOPS file or ExternalSecret instead.",
};

/** Passwords written into the files a repository commits. */
export const plaintextCredentialsRule: Rule = {
  meta: {
    id: "plaintext-credentials",
    severity: "error",
    description: "Literal passwords committed in values files, manifests and compose files",
    docs:
      "A password written into a tracked file is in the repository's history for good, readable by " +
      "everyone with the code, and the same in every environment. The rule reports chart keys " +
      "(`password`, `auth.postgresPassword`, `rootPassword`…), environment entries such as " +
      "POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, RABBITMQ_DEFAULT_PASS, REDIS_PASSWORD, " +
      "MONGO_INITDB_ROOT_PASSWORD and MINIO_ROOT_PASSWORD with a literal `value:` (manifests) or " +
      "value (compose map and list forms), and connection URLs with an embedded password " +
      "(postgres://user:pass@, redis://:pass@, amqp://, mongodb://, mysql://). Weak values such " +
      "as `changeme` are reported too: they are committed credentials all the same. A Kubernetes " +
      "Secret with literal `data`/`stringData` credentials is a warning. Not reported: " +
      "`valueFrom.secretKeyRef`, `existingSecret`, `${VAR}` / `$(VAR)` / `{{ … }}` placeholders " +
      "(`${VAR:-default}` included), empty values. In a git work tree only files git tracks are read.",
    advice: ADVICE.manifest,
  },
  fileTypes: ["manifest", "helm-values", "compose"],
  // Password keys and env names, connection URLs, and `kind: Secret` (not imagePullSecrets).
  triggers: [
    "assword",
    "ASSWORD",
    "ASSWD",
    "_PASS",
    "PWD",
    /(?:postgres|redis|amqp|mongodb|mysql|mariadb)[\w+-]*:\/\//,
    /\bSecret\b/,
  ],
  *check(file, context) {
    // Untracked files (a local override, a git-ignored .env.yaml) are where credentials belong.
    if (context.tracked && !context.tracked(file.path)) return;
    const compose = file.type === "compose";
    for (const doc of file.yaml() ?? []) {
      const secret = stringOf(get(doc.contents, "kind")) === "Secret";
      const secretName = stringOf(getIn(doc.contents, ["metadata", "name"])) ?? "?";
      for (const { node, path, parent } of walk(doc)) {
        const key = path[path.length - 1];
        const of = compose && path[0] === "services" ? ` of service \`${path[1]}\`` : "";
        if (typeof key !== "string") {
          // A sequence item; compose's list form: `environment: ["POSTGRES_PASSWORD=secret"]`.
          const item = stringOf(node) ?? "";
          const [, name] = /^([A-Za-z_]\w*)=(.*)$/s.exec(item) ?? [];
          if (name && path[path.length - 2] === "environment" && isEnvPassword(name)) {
            const advice = ADVICE.compose(name, true);
            yield* literal(file, node, item, name.length + 1, `\`${name}\`${of}`, advice);
          } else yield* urls(file, node, name ?? String(path[path.length - 2] ?? "value"));
          continue;
        }
        if (!isScalar(node)) continue;
        if (secret && (path[0] === "data" || path[0] === "stringData") && path.length === 2) {
          yield* secretValue(file, node, path[0], key, secretName);
          continue;
        }
        // A container's `env` entry: `{name: POSTGRES_PASSWORD, value: …}`.
        const envName = key === "value" ? stringOf(get(parent, "name")) : undefined;
        if (envName !== undefined && isEnvPassword(envName)) {
          yield* literal(file, node, text(node), 0, `env \`${envName}\``, ADVICE.manifest);
        } else if (isEnvPassword(key) || (CHART_KEY.test(key) && !CHART_SWITCH.test(key))) {
          // Not the key names of an existing Secret (`auth.secretKeys.adminPasswordKey`).
          if (path.some((k) => typeof k === "string" && SECRET_NAMES.test(k))) continue;
          const dotted = path.join(".");
          const [where, advice] =
            file.type === "helm-values"
              ? [`\`${dotted}\``, ADVICE.values(dotted)]
              : [`\`${key}\`${of}`, compose ? ADVICE.compose(key, false) : ADVICE.manifest];
          yield* literal(file, node, text(node), 0, where, advice);
        } else yield* urls(file, node, envName ?? key);
      }
    }
  },
};

const isEnvPassword = (name: string) => ENV_NAME.test(name) && !ENV_SWITCH.test(name);
const isLiteral = (value: string) => value.trim() !== "" && !PLACEHOLDER.test(value.trim());
/** A scalar's value as text: numbers are passwords too (`POSTGRES_PASSWORD: 1234`), booleans are not. */
const text = (node: Scalar) =>
  typeof node.value === "string" || typeof node.value === "number" ? String(node.value) : "";

/** A literal password: the `value` of a scalar from `skip` on (past `NAME=` in a list entry). */
function* literal(
  file: SourceFile,
  node: Node,
  value: string,
  skip: number,
  where: string,
  advice: string,
): Generator<RuleFinding> {
  const password = value.slice(skip);
  if (!isLiteral(password)) return;
  const [start, end] = locate(file, node, value, skip, password.trimEnd().length);
  yield { start, end, message: `${where} is set to a literal password`, advice };
}

function* urls(file: SourceFile, node: Node, key: string): Generator<RuleFinding> {
  const value = stringOf(node) ?? "";
  for (const m of value.matchAll(URL_PASSWORD)) {
    if (!isLiteral(m[2]!)) continue;
    const at = m.index + m[0].length - 1 - m[2]!.length;
    const [start, end] = locate(file, node, value, at, m[2]!.length);
    const message = `\`${key}\` embeds a literal password in its \`${m[1]}://\` connection URL`;
    const advice =
      ADVICE.url[
        file.type === "helm-values" ? "values" : file.type === "compose" ? "compose" : "manifest"
      ];
    yield { start, end, message, advice };
  }
}

function* secretValue(
  file: SourceFile,
  node: Scalar,
  field: string,
  key: string,
  name: string,
): Generator<RuleFinding> {
  const value = text(node).trim();
  const plain = field === "data" ? Buffer.from(value, "base64").toString("utf8") : value;
  const url = [...plain.matchAll(URL_PASSWORD)].some((m) => isLiteral(m[2]!));
  if (!isLiteral(value) || !(CREDENTIAL_KEY.test(key) || url)) return;
  const [start, end] = locate(file, node, value, 0, value.length);
  const encoded = field === "data" ? " (base64 is an encoding, not encryption)" : "";
  yield {
    start,
    end,
    severity: "warning",
    message: `Secret \`${name}\` commits a literal password in \`${field}.${key}\`${encoded}`,
    advice: ADVICE.secret,
  };
}

/**
 * Where `length` characters from `index` of a scalar's `value` are in the source, when the
 * source spells the value as is; otherwise (escapes, folded lines) all of the scalar.
 */
function locate(
  file: SourceFile,
  node: Node,
  value: string,
  index: number,
  length: number,
): [number, number] {
  const [from, to] = node.range ?? [0, 0];
  if (isScalar(node) && typeof node.value === "string") {
    const at = offsetIn(file.text, node, value);
    if (file.text.startsWith(value, at)) return [at + index, at + index + length];
  }
  // A number as written (0x1F), or a string whose source differs from its value.
  const quoted =
    isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE);
  return quoted ? [from + 1, Math.max(from + 1, to - 1)] : [from, to];
}
