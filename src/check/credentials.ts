/** Literal credentials in committed files: what plaintext-credentials and compose-credentials report. */
import { isMap, isScalar, Scalar, type Node } from "yaml";
import type { SourceFile } from "./source.js";
import type { RuleFinding, ScanContext } from "./types.js";
import { logicalLines } from "./lines.js";
import { called } from "./workloads.js";
import { get, offsetIn, stringOf, walk } from "./yaml.js";

// POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, RABBITMQ_DEFAULT_PASS, REDIS_PASSWORD, PGPASSWORD…
// but not the switches around them (MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_RANDOM_ROOT_PASSWORD).
// Object stores' secret keys too: AWS_SECRET_ACCESS_KEY, S3_SECRET_KEY, MINIO_SECRET_KEY.
const ENV_NAME =
  /^(?:[A-Z][A-Z0-9]*_)+(?:PASSWORD|PASSWD|PASS|PWD|SECRET_KEY|SECRET_ACCESS_KEY)$|^(?:PG)?PASSW(?:OR)?D$/;
const ENV_SWITCH = /EMPTY|RANDOM|ONETIME|GENERATE|ALLOW/;
// Chart keys: password, auth.postgresPassword, auth.rootPassword, replicationPassword… but not
// switches (usePasswordFiles, allowEmptyPassword) nor the key names of an existing Secret.
const CHART_KEY = /^(?:password|[a-z][a-zA-Z0-9]*Password)$/;
const CHART_SWITCH = /^(?:allow|use|enable|disable|require|skip|generate|random|show|reset|empty)/;
const SECRET_NAMES = /secretKey|existingSecret|secretRef|keyRef|Keys$|encryptedData/i;
// A Secret's keys that hold credentials (its `username` or `host` do not).
const CREDENTIAL_KEY = /pass|pwd|secret|token|key|cred|cookie|auth|cert|dockerc/i;
// … but an access key id names a key (its secret key is the secret).
const KEY_ID = /access[-_.]?key(?:[-_.]?id)?$/i;
// A URL with a password: postgres://user:pass@, redis://:pass@, mongodb+srv://…, https://u:p@…
const URL_PASSWORD = /\b([a-z][a-z0-9.-]*)(?:\+[\w-]+)?:\/\/[^\s:@/"'`]*:([^\s@/"'`]+)@/gi;
// … or in its query, as JDBC and some drivers take it: jdbc:postgresql://db/app?password=…
const QUERY_PASSWORD =
  /\b((?:jdbc:)?[a-z][a-z0-9.+-]*):\/\/[^\s"'`]*?[?&;](?:password|pwd)=([^&;\s"'`]+)/gi;
/** Both, in order of where the password is: [scheme, password, offset of the password]. */
function urlPasswords(value: string): [string, string, number][] {
  const found: [string, string, number][] = [];
  for (const m of value.matchAll(URL_PASSWORD)) {
    found.push([m[1]!, m[2]!, m.index + m[0].length - 1 - m[2]!.length]);
  }
  for (const m of value.matchAll(QUERY_PASSWORD)) {
    found.push([m[1]!, m[2]!, m.index + m[0].length - m[2]!.length]);
  }
  return found.sort((a, b) => a[2] - b[2]);
}
/** A setting in a command: `--set auth.password=…`, `set=['POSTGRES_PASSWORD=…']`. */
const COMMAND_SETTING =
  /([\w.[\]-]*(?:assword|ASSWORD|_PASS\b|PASSWD)[\w.[\]-]*)=\\?["']?([^\s"'\\,)\]]+)/g;
// Placeholders filled in later: compose/envsubst ${VAR}, $VAR, Kubernetes $(VAR), templates,
// fill-in markers (`_PASSWORD_`, `<password>`, `your-password`, `replace-me`), Helm's `<nil>`
// for an empty value, AWS's documented example keys; and flags (`"true"`), which are no secret.
const PLACEHOLDER =
  /\$\{|\$\(|\{\{|^\$[A-Za-z_]|^_[A-Z0-9_]+_$|^<[^>]*>$|^your[-_ ]|^replace[-_ ]?me$|^(?:true|false|yes|no|on|off)$/i;
/** AWS's documented example keys (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY). */
const AWS_EXAMPLE = /^\S{8,}EXAMPLE(?:KEY)?$/;

export const ADVICE = {
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
  generator:
    "Read the value from a git-ignored file: `secretGenerator: [{name: db-credentials, envs: [.env.secret]}]` " +
    "with `.env.secret` in .gitignore, or commit an encrypted SealedSecret / SOPS file instead.",
  command: (key: string) =>
    `Read it from the environment where the command runs: in a Tiltfile \`os.getenv('DB_PASSWORD')\` ` +
    `(\`'${key}=' + os.getenv('DB_PASSWORD')\`), in a script \`${key}=$DB_PASSWORD\`.`,
  secret:
    "Do not commit Secret manifests: create the Secret at deploy time (`kubectl create secret generic NAME --from-literal=KEY=…`, " +
    "or a kustomize secretGenerator reading a git-ignored .env), or commit an encrypted SealedSecret, SOPS file or ExternalSecret instead.",
};

/**
 * The literal passwords of a file: chart keys, env entries, connection URLs, a Secret's
 * `data`/`stringData`, kustomize `secretGenerator` literals, `--set`s in commands. In a git work
 * tree only tracked files count (untracked ones are where credentials belong).
 */
export function* credentialFindings(
  file: SourceFile,
  context: ScanContext,
  where: "shipped" | "local",
): Generator<RuleFinding> {
  // Untracked files (a local override, a git-ignored .env.yaml) are where credentials belong.
  if (context.tracked && !context.tracked(file.path)) return;
  const compose = file.type === "compose";
  if (file.type === "tiltfile" || file.type === "shell") {
    if (where === "shipped") yield* commandCredentials(file);
    if (where === "shipped" && file.type === "tiltfile") yield* tiltSecrets(file);
    return;
  }
  // Compose files and CI files with service containers run throwaway servers on one machine
  // (a CI job's env repeats its services' passwords).
  const throwaway = compose || (file.type === "ci" && /^\s*services\s*:/m.test(file.text));
  if (throwaway !== (where === "local")) return;
  for (const doc of file.yaml() ?? []) {
    const secret = stringOf(get(doc.contents, "kind")) === "Secret";
    const secretName = isMap(doc.contents)
      ? called("Secret", doc.contents, ["metadata", "name"], file)
      : "a Secret with no name";
    for (const { node, path, parent } of walk(doc)) {
      const key = path[path.length - 1];
      const of = compose && path[0] === "services" ? ` of service \`${path[1]}\`` : "";
      if (typeof key !== "string") {
        // A sequence item; compose's list form: `environment: ["POSTGRES_PASSWORD=secret"]`.
        const item = stringOf(node) ?? "";
        const [, name] = /^([A-Za-z_]\w*)=(.*)$/s.exec(item) ?? [];
        const list = path[path.length - 2];
        if (name && list === "environment" && isEnvPassword(name)) {
          const advice = ADVICE.compose(name, true);
          yield* literal(file, node, item, name.length + 1, `\`${name}\`${of}`, advice);
        } else if (name && list === "literals" && file.type === "kustomization") {
          // secretGenerator / configMapGenerator `literals: [password=…]`.
          if (isEnvPassword(name) || CREDENTIAL_KEY.test(name)) {
            const where = `\`${name}\` of a secretGenerator`;
            yield* literal(file, node, item, name.length + 1, where, ADVICE.generator);
          }
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
}

const isEnvPassword = (name: string) => ENV_NAME.test(name) && !ENV_SWITCH.test(name);
const isLiteral = (value: string) =>
  value.trim() !== "" && !PLACEHOLDER.test(value.trim()) && !AWS_EXAMPLE.test(value.trim());
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
  if (!value.includes("://")) return;
  for (const [scheme, password, at] of urlPasswords(value)) {
    if (!isLiteral(password)) continue;
    const [start, end] = locate(file, node, value, at, password.length);
    const message = `\`${key}\` embeds a literal password in its \`${scheme}://\` connection URL`;
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
  /** How the message names the Secret (`Secret \`db\``, `a Secret with no name`). */
  secret: string,
): Generator<RuleFinding> {
  const value = text(node).trim();
  const plain = field === "data" ? Buffer.from(value, "base64").toString("utf8") : value;
  const url = urlPasswords(plain).some(([, password]) => isLiteral(password));
  const credentialKey = CREDENTIAL_KEY.test(key) && !KEY_ID.test(key);
  if (!isLiteral(value) || !isLiteral(plain) || !(credentialKey || url)) return;
  const [start, end] = locate(file, node, value, 0, value.length);
  const encoded = field === "data" ? " (base64 is an encoding, not encryption)" : "";
  yield {
    start,
    end,
    severity: "warning",
    message: `${secret[0]!.toUpperCase()}${secret.slice(1)} commits a literal ${url ? "password, inside a connection URL," : "password"} in \`${field}.${key}\`${encoded}`,
    advice: ADVICE.secret,
  };
}

/** A string entry of a Starlark dict: `'password': 'hunter2'`. */
const DICT_ENTRY = /(["'])([\w.-]+)\1\s*:\s*(["'])([^"'\n]*)\3/g;

/** Literal values of the secret_from_dict() calls of a Tiltfile (Tilt's secret extension). */
function* tiltSecrets(file: SourceFile): Generator<RuleFinding> {
  // Commented-out calls (`# k8s_yaml(secret_from_dict(…`) run nothing: blanked, offsets kept.
  const text = file.text.replace(/^[ \t]*#.*$/gm, (line) => " ".repeat(line.length));
  for (const call of text.matchAll(/\bsecret_from_dict\s*\(/g)) {
    // The call's text: to its closing parenthesis (strings hold none in practice).
    let depth = 0;
    let end = call.index + call[0].length - 1;
    for (; end < text.length; end++) {
      if (text[end] === "(") depth++;
      else if (text[end] === ")" && --depth === 0) break;
    }
    const body = text.slice(call.index, end);
    for (const m of body.matchAll(DICT_ENTRY)) {
      const [, , key, , value] = m as unknown as [string, string, string, string, string];
      const credential = isEnvPassword(key) || (CREDENTIAL_KEY.test(key) && !KEY_ID.test(key));
      if (!credential || !isLiteral(value)) continue;
      const start = call.index + m.index + m[0].length - 1 - value.length;
      yield {
        start,
        end: start + value.length,
        message: `secret_from_dict() commits the literal \`${key}\` of a Secret`,
        advice: ADVICE.command(key),
      };
    }
  }
}

/** `--set key=…` and `KEY=…` settings with a literal password, and URLs, in commands. */
function* commandCredentials(file: SourceFile): Generator<RuleFinding> {
  for (const line of logicalLines(file)) {
    for (const m of line.text.matchAll(COMMAND_SETTING)) {
      const [, key, value] = m as unknown as [string, string, string];
      if (!isLiteral(value) || /^[[(]/.test(value)) continue;
      if (!isEnvPassword(key) && !CHART_KEY.test(key.split(".").pop()!)) continue;
      const start = line.start + m.index + m[0].length - value.length;
      yield {
        start,
        end: start + value.length,
        message: `\`${key}\` is set to a literal password`,
        advice: ADVICE.command(key),
      };
    }
    if (!line.text.includes("://")) continue;
    for (const [scheme, password, at] of urlPasswords(line.text)) {
      if (!isLiteral(password)) continue;
      yield {
        start: line.start + at,
        end: line.start + at + password.length,
        message: `a \`${scheme}://\` URL embeds a literal password`,
        advice: ADVICE.command("DATABASE_URL"),
      };
    }
  }
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
