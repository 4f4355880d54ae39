import { isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { parseImage } from "../bitnami.js";
import {
  ADDRESS_NAME,
  BACKING_KINDS,
  CONNECTION_NAME,
  endpoints,
  isLoopback,
  PORTS,
  schemeKind,
  type Endpoint,
} from "../connections.js";
import type { SourceFile } from "../source.js";
import type { Rule, RuleFinding } from "../types.js";
import { dependencyKind, items } from "../workloads.js";
import { get, keyText, offsetIn, stringOf, walk } from "../yaml.js";

interface EnvVar {
  name: string;
  value: string;
  node: Node;
}

// Helm values keys that hold a container's environment: env, extraEnv, extraEnvVars, envVars.
const VALUES_ENV = /^(?:extra)?env(?:vars)?$/i;
// The dependency a variable's name says (PGHOST, REDIS_URL, CELERY_BROKER_URL, …).
const NAMED =
  /(?:^|_)(POSTGRES(?:QL)?|PG|REDIS|VALKEY|RABBITMQ|RABBIT|AMQP|MONGO(?:DB)?|MYSQL|MARIADB|KAFKA|CACHE|BROKER)(?=_|HOST$)/;
const BY_NAME: Record<string, string> = {
  POSTGRESQL: "postgres",
  PG: "postgres",
  RABBIT: "rabbitmq",
  AMQP: "rabbitmq",
  MONGODB: "mongo",
};
// A sidecar that serves a database on the pod's loopback (Cloud SQL Auth Proxy, PgBouncer…).
const PROXY = /proxy|bouncer|odyssey|envoy|ambassador/i;

/** Connection settings that point a pod at itself instead of at its database. */
export const localhostDependencyEnvRule: Rule = {
  meta: {
    id: "localhost-dependency-env",
    severity: "error",
    description: "Pod env pointing at localhost for a database, cache or broker",
    docs:
      "Inside a pod, `localhost` (127.0.0.1, ::1) is the pod itself: a database, cache or broker " +
      "running in another pod is reached by its Service's name, so the app cannot connect. The " +
      "value typically comes from a laptop setup or a compose file. The rule reads the `env` of " +
      "containers in manifests and the env lists and maps of Helm values (`env`, `extraEnv`, " +
      "`extraEnvVars`): URLs with a postgres(ql)://, redis(s)://, amqp(s)://, mongodb://, " +
      "mysql:// or kafka:// scheme, variables named for a dependency (DATABASE_URL, REDIS_URL, " +
      "AMQP_URL, PGHOST, KAFKA_BOOTSTRAP_SERVERS, …), and `*_HOST` or address variables whose " +
      "port (theirs or the matching `*_PORT`) is 5432, 6379, 5672, 27017, 3306 or 9092. Not " +
      "reported: pods with a sidecar that serves the database locally (a Cloud SQL proxy, " +
      "PgBouncer, or the database's own image in the same pod).",
    advice:
      "Use the Service's name instead of localhost: `postgres://app@postgres:5432/app`, " +
      "`redis://redis:6379`, `amqp://rabbitmq:5672` (`<service>.<namespace>` from another namespace).",
  },
  fileTypes: ["manifest", "helm-values"],
  triggers: ["localhost", "127.", "::1", "0.0.0.0"],
  *check(file) {
    for (const doc of file.yaml() ?? []) {
      for (const { node, path } of walk(doc)) {
        const key = path[path.length - 1];
        if (file.type === "manifest" && isMap(node) && isSeq(get(node, "containers"))) {
          const main = items(get(node, "containers"));
          const init = items(get(node, "initContainers"));
          // What can serve the pod's loopback: containers, and init containers run as sidecars.
          const serving = [
            ...main,
            ...init.filter((c) => stringOf(get(c, "restartPolicy")) === "Always"),
          ];
          const job = /Job$/.test(stringOf(get(doc.contents, "kind")) ?? "");
          for (const container of [...main, ...init]) {
            // A database server's own env, for which localhost is right (not a client using its
            // image: an init container's pg_isready, a Job's psql).
            if (!job && main.includes(container) && backing(container)) continue;
            const others = serving.filter((c) => c !== container);
            const vars = envList(get(container, "env"));
            yield* inspect(file, vars, stringOf(get(container, "name")), others);
          }
        } else if (file.type === "helm-values" && typeof key === "string" && VALUES_ENV.test(key)) {
          // The pods a values file configures are not visible: a sidecar mentioned anywhere counts.
          if (/sidecar|extraContainers|cloud-?sql-proxy|pgbouncer/i.test(file.text)) return;
          yield* inspect(file, envList(node), undefined, []);
        }
      }
    }
  },
};

/** `[{name, value}]` entries, or a `NAME: value` map (Helm values). */
function envList(node: Node | undefined): EnvVar[] {
  const pairs = isSeq(node)
    ? items(node).map((e) => [stringOf(get(e, "name")), get(e, "value")] as const)
    : isMap(node)
      ? node.items.filter(isPair).map((p) => [keyText(p.key), p.value as Node | null] as const)
      : [];
  return pairs.flatMap(([name, value]) => {
    const text = stringOf(value);
    return name !== undefined && text !== undefined && value
      ? [{ name, value: text, node: value }]
      : [];
  });
}

function* inspect(
  file: SourceFile,
  vars: EnvVar[],
  container: string | undefined,
  others: YAMLMap[],
): Generator<RuleFinding> {
  for (const v of vars) {
    for (const endpoint of endpoints(v.value)) {
      if (!isLoopback(endpoint.host)) continue;
      const kind = dependencyOf(v, endpoint, vars);
      if (kind === undefined || servedInPod(others, kind, endpoint.port)) continue;
      const [from, to] = v.node.range ?? [0, 0];
      const prefix = file.text.slice(from, to).indexOf(v.value.slice(0, endpoint.end));
      const start =
        prefix === -1 ? offsetIn(file.text, v.node, endpoint.host) : from + prefix + endpoint.start;
      // `database`, `cache`, `broker`: the Service's name cannot be guessed.
      const generic = !(BACKING_KINDS as ReadonlySet<string>).has(kind);
      const service = generic ? "<service>" : kind;
      const fixed = v.value.slice(0, endpoint.start) + service + v.value.slice(endpoint.end);
      yield {
        start,
        end: start + endpoint.host.length,
        message:
          `\`${v.name}\`${container ? ` in container \`${container}\`` : ""} points at ` +
          `\`${endpoint.host}\`, which inside a pod is the pod itself: the ${generic ? kind : `${kind} server`} ` +
          "runs in another pod, reached through its Service",
        advice: `Use the Service's name instead: \`${v.name}: ${masked(fixed)}\` (${
          generic
            ? `the name of the ${kind}'s Service`
            : `\`${kind}\` being the name of its Service`
        }; \`<service>.<namespace>\` from another namespace).`,
      };
    }
  }
}

/** The dependency a loopback endpoint is meant to reach, or undefined when it is not one. */
function dependencyOf(v: EnvVar, endpoint: Endpoint, vars: EnvVar[]): string | undefined {
  const byScheme = schemeKind(endpoint.scheme);
  if (byScheme) return byScheme;
  if (endpoint.scheme && !CONNECTION_NAME.test(v.name)) return undefined; // http://localhost:…
  // DB_HOST=localhost with DB_PORT=5432, PGHOST with PGPORT (or a port in the value itself).
  const sibling = v.name.replace(/HOST(?:NAME)?$/, "PORT");
  const portVar = sibling !== v.name ? vars.find((o) => o.name === sibling) : undefined;
  const port = endpoint.port ?? (portVar ? Number(portVar.value) : undefined);
  const byPort = port === undefined ? undefined : PORTS.get(port);
  if (byPort && ADDRESS_NAME.test(v.name)) return byPort;
  if (!CONNECTION_NAME.test(v.name)) return undefined;
  const named = NAMED.exec(v.name)?.[1];
  return byPort ?? (named ? (BY_NAME[named] ?? named.toLowerCase()) : "database");
}

/** Whether another container of the pod serves that dependency on the pod's loopback. */
function servedInPod(others: YAMLMap[], kind: string, port: number | undefined): boolean {
  const wanted = port ?? [...PORTS].find(([, k]) => k === kind)?.[0];
  return others.some((c) => {
    const ports = items(get(c, "ports")).map((p) => get(p, "containerPort"));
    return (
      PROXY.test(stringOf(get(c, "image")) ?? "") ||
      backing(c) ||
      ports.some((p) => isScalar(p) && Number(p.value) === wanted)
    );
  });
}

/** Whether a container runs a database, cache or broker image. */
function backing(container: YAMLMap): boolean {
  const kind = dependencyKind(parseImage(stringOf(get(container, "image")) ?? ""));
  return kind !== undefined && BACKING_KINDS.has(kind);
}

/** A URL's password replaced, so that advice does not repeat a secret. */
function masked(value: string): string {
  return value.replace(/(\/\/[^:/@\s]*:)([^@/\s]+)@/, (all, user: string, password: string) =>
    password.startsWith("$") ? all : `${user}****@`,
  );
}
