import { bitnamiImage } from "../bitnami.js";
import { parse, type Node, type YAMLMap } from "yaml";
import { addPair } from "../edit.js";
import type { SourceFile } from "../source.js";
import type { Fix, Rule } from "../types.js";
import { get, keyNode } from "../yaml.js";
import { asksServer, judgeProbe } from "../readiness.js";
import {
  called,
  CONTROLLERS,
  dependencyWords,
  workloads,
  type DependencyKind,
} from "../workloads.js";

/** A readiness probe that means ready, per dependency (from the images' own documentation). */
const PROBES: Partial<Record<DependencyKind, string>> = {
  postgres:
    'exec: {command: ["sh", "-c", "pg_isready -h 127.0.0.1 -p 5432 -U \\"$POSTGRES_USER\\""]}',
  redis: 'exec: {command: ["sh", "-c", "test \\"$(redis-cli ping)\\" = PONG"]}',
  valkey: 'exec: {command: ["sh", "-c", "test \\"$(valkey-cli ping)\\" = PONG"]}',
  rabbitmq: 'exec: {command: ["rabbitmq-diagnostics", "-q", "check_port_connectivity"]}',
  // Through TCP: the entrypoint's first-start server runs with --skip-networking.
  mysql: 'exec: {command: ["mysqladmin", "ping", "-h", "127.0.0.1"]}',
  mariadb: 'exec: {command: ["healthcheck.sh", "--connect", "--innodb_initialized"]}',
  mongo: 'exec: {command: ["mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"]}',
};

/** Stateful servers without a readiness probe: Services route to them before they can answer. */
export const statefulReadinessProbeRule: Rule = {
  meta: {
    id: "stateful-readiness-probe",
    severity: "warning",
    description: "Database and broker containers without a readinessProbe that asks the server",
    docs:
      "Without a readinessProbe a pod is Ready as soon as its containers start, so its Service " +
      "routes clients, `kubectl wait` and Tilt's `resource_deps` go ahead, while PostgreSQL is " +
      "still running initdb, Redis is loading its data set or RabbitMQ is booting: clients fail " +
      "on the first start and after every restart. The rule looks at the containers (not init " +
      "containers) of the controllers that keep servers running (Deployment, StatefulSet, " +
      "DaemonSet, ReplicaSet, ReplicationController; not bare Pods) whose image is postgres, " +
      "redis, valkey, rabbitmq, mysql, mariadb or mongo, official or a common fork or " +
      "distribution (postgis, pgvector, timescaledb, redis-stack, keydb, percona, …; Bitnami's " +
      "are left to bitnami-image). Jobs and CronJobs that use these images as clients (pg_dump, " +
      "psql) are not servers and are not reported. A probe counts in any form that asks the " +
      "server: its own client (pg_isready, redis-cli, rabbitmq-diagnostics, mysqladmin, mongosh, …), " +
      "a TCP connect to its port, or a script of the chart's; one that only looks at a file or a " +
      "process (`test -f`, `pgrep`, `true`) is reported, as is HTTP to a port that does not speak " +
      "it (it never passes). Without a readinessProbe, a startupProbe that asks the server counts: " +
      "the container is ready once it passes.",
    advice:
      "Add a readinessProbe that checks the server answers, e.g. for postgres " +
      `\`readinessProbe: {${PROBES.postgres}, periodSeconds: 5}\`.`,
  },
  fileTypes: ["manifest"],
  // An image of a dependency names it (postgres, bitnami/postgresql, …), in a controller.
  triggers: [dependencyWords(Object.keys(PROBES) as DependencyKind[], CONTROLLERS)],
  *check(file) {
    for (const workload of workloads(file)) {
      if (!CONTROLLERS.has(workload.kind)) continue;
      const owner = called(workload.kind, workload.node, ["metadata", "name"], file);
      for (const container of workload.containers) {
        const kind = container.kind;
        const probe = kind && PROBES[kind];
        // Bitnami's images are reported by bitnami-image: replace them first (probes differ).
        if (container.init || !probe || !container.image || bitnamiImage(container.image.ref)) {
          continue;
        }
        // A merge key (`<<: *base`) may bring a probe this text does not show; so may a
        // template's action inside the container (`{{- include "app.probes" . | nindent 10 }}`).
        if (get(container.node, "<<") || templatedKeys(file, container.node)) continue;
        const who = `${called("container", container.node, ["name"], file)} of ${owner}`;
        const advice = (before: string, after: string) =>
          `${before}\`readinessProbe: {${probe}, periodSeconds: 5, failureThreshold: 6}\`${after}` +
          (kind === "redis" || kind === "valkey"
            ? " (with a password, give the container REDISCLI_AUTH from the same Secret)."
            : ".");
        const { display, start, end } = container.image;
        // A key with a templated value (`readinessProbe: {{ toYaml … }}`) has a probe we cannot see.
        const readiness = keyNode(container.node, "readinessProbe");
        if (readiness) {
          const verdict = judgeProbe(kind, container, get(container.node, "readinessProbe")!);
          if (verdict.adequate) continue;
          const [from, to] = readiness.range ?? [start, end];
          yield {
            start: from,
            end: to,
            message: `the readinessProbe of ${who} ${verdict.why}`,
            advice: advice("Make it ask the server, e.g. ", ""),
          };
          continue;
        }
        // Without a readiness probe a container is ready once its startup probe passes.
        const startup = get(container.node, "startupProbe");
        if (startup && asksServer(kind, container, startup)) continue;
        const fix = addProbe(file.text, kind, container.node);
        yield {
          ...(fix ? { fix } : {}),
          start,
          end,
          message: `${who} runs \`${display}\` without a readinessProbe: it counts as ready before ${kind} accepts connections`,
          advice: advice("Add ", " to the container"),
        };
      }
    }
  },
};

/**
 * Whether a tolerantly read template writes keys of the container itself from an action, as
 * `{{- include "app.probes" . | nindent 10 }}` does at the container keys' indentation: on the
 * container's lines, up to the next line of less indentation (blanked action lines included).
 */
function templatedKeys(file: SourceFile, container: YAMLMap): boolean {
  const first = container.items[0]?.key as Node | undefined;
  if (file.template === undefined || !first?.range) return false;
  const start = file.position(first.range[0]);
  const indent = start.column - 1;
  const lines = file.lines();
  const templateLines = file.template.split("\n");
  for (let i = start.line; i < lines.length; i++) {
    const text = lines[i]!.text;
    if (text.trim() && text.length - text.trimStart().length < indent) break;
    const action = /^\s*\{\{-?\s*(?:include|template|toYaml|tpl)\b.*\|\s*n?indent\s+(\d+)/.exec(
      templateLines[i] ?? "",
    );
    if (action && Number(action[1]) === indent) return true;
  }
  return false;
}

/** Kinds whose probe may fail on a server that works: no fix is offered for them. */
const NO_FIX = new Set<DependencyKind>(["mariadb"]);

/**
 * The advice's readinessProbe added to the container. Not for a redis or valkey that may require a
 * password (its `ping` then answers NOAUTH and the pod would never be ready), nor for mariadb,
 * whose healthcheck user exists only in data directories initialized by recent images.
 */
function addProbe(text: string, kind: DependencyKind, container: Node): Fix | undefined {
  if (NO_FIX.has(kind)) return undefined;
  const [from, to] = container.range ?? [0, 0];
  if ((kind === "redis" || kind === "valkey") && /pass|auth|\.conf/i.test(text.slice(from, to))) {
    return undefined;
  }
  const probe = {
    ...(parse(`{${PROBES[kind]!}}`) as object),
    periodSeconds: 5,
    failureThreshold: 6,
  };
  const edit = addPair(text, container, "readinessProbe", probe, ["livenessProbe", "resources"]);
  return edit && { description: "add a readinessProbe", edits: [edit] };
}
