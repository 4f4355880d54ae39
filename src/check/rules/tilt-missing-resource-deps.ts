import { isMap } from "yaml";
import { ADDRESS_NAME, BACKING_KINDS, endpoints } from "../connections.js";
import type { SourceFile } from "../source.js";
import { dependencies, resources, type Resource } from "../tilt.js";
import type { Rule, RuleFinding } from "../types.js";
import { items, objects, sameNamespace, workloads, type Workload } from "../workloads.js";
import { get, getIn, keyText, stringOf } from "../yaml.js";

/** Where a workload's pod template keeps its labels (what a Service selects). */
const LABELS: Record<string, readonly string[]> = {
  Pod: ["metadata", "labels"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
};

interface Use {
  /** The database's Tilt resource. */
  resource: string;
  env: string;
  file: string;
}

/** k8s_resource calls for apps that connect to a database resource they do not wait for. */
export const tiltMissingResourceDepsRule: Rule = {
  meta: {
    id: "tilt-missing-resource-deps",
    severity: "warning",
    description:
      "Tilt resources that connect to a database, cache or broker resource without waiting for it",
    docs:
      "Tilt starts resources in parallel unless `resource_deps` orders them: an app whose env " +
      "points at PostgreSQL, Redis, RabbitMQ, MySQL, MongoDB or Kafka starts with it, fails to " +
      "connect and crash-loops (or exits, for a Job) until the dependency is ready. The rule " +
      "reads `k8s_resource` calls, the workloads of the repository's manifests and their env: a " +
      "value whose host (a URL's, or a `host[:port]` in an address-like variable such as " +
      "DB_HOST) is the name of a workload running one of those images, or of a Service that " +
      "selects it, while that workload is a `k8s_resource` of its own that the app's " +
      "`resource_deps` does not reach, directly or through other resources.",
    advice:
      "Add the dependency: `k8s_resource('app', resource_deps=['postgres'])`. Tilt then starts " +
      "the app once the database's pods are ready (give the database a readiness probe).",
  },
  fileTypes: ["tiltfile"],
  triggers: ["k8s_resource"],
  *check(file, context) {
    const declared = resources(file);
    const files = declared.filter((r) => r.workload).length > 1 ? context.files?.() : undefined;
    if (!files) return;
    // Each workload with the path of its file, for the message.
    const all = new Map(
      files.flatMap((f) =>
        f.type === "manifest" ? workloads(f).map((w) => [w, f.path] as const) : [],
      ),
    );
    // A database runs in a long-running workload; Jobs and init containers using its image are clients.
    const databases = [...all.keys()].filter(
      (w) =>
        !/Job$/.test(w.kind) &&
        w.containers.some((c) => !c.init && c.kind && BACKING_KINDS.has(c.kind)),
    );
    if (!databases.length) return;
    const hosts = hostNames(files, databases);
    // Only k8s_resource calls name a workload whose env tells what it connects to.
    for (const app of declared.filter((r) => r.workload)) {
      const uses = usesOf(app, all, databases, hosts, declared);
      if (uses?.length) yield finding(file, app, uses);
    }
  },
};

/** Each name that reaches a database: its workload's, and each Service's that selects its pods. */
function hostNames(files: readonly SourceFile[], databases: Workload[]): Map<string, Workload> {
  const hosts = new Map<string, Workload>();
  for (const db of databases) if (db.name) hosts.set(db.name, db);
  for (const service of files.flatMap((f) => (f.type === "manifest" ? objects(f) : []))) {
    const selector = getIn(service.node, ["spec", "selector"]);
    if (service.kind !== "Service" || !service.name || !isMap(selector) || !selector.items.length)
      continue;
    const target = databases.find((db) => {
      const labels = getIn(db.node, LABELS[db.kind] ?? ["spec", "template", "metadata", "labels"]);
      return (
        sameNamespace(db.namespace, service.namespace) &&
        selector.items.every((p) => {
          const key = keyText(p.key);
          return key !== undefined && stringOf(get(labels, key)) === stringOf(p.value);
        })
      );
    });
    if (target) hosts.set(service.name, target);
  }
  return hosts;
}

/**
 * The databases an app's env connects to and that it does not wait for; undefined when its
 * `resource_deps` (or those of a resource on the way) are not literal.
 */
function usesOf(
  app: Resource,
  all: ReadonlyMap<Workload, string>,
  databases: Workload[],
  hosts: Map<string, Workload>,
  declared: Resource[],
): Use[] | undefined {
  const uses: Use[] = [];
  let waits: Set<string> | undefined;
  for (const [workload, path] of all) {
    if (workload.name !== app.workload || databases.includes(workload)) continue;
    for (const container of workload.containers.filter((c) => !c.init)) {
      for (const env of items(get(container.node, "env"))) {
        const name = stringOf(get(env, "name")) ?? "";
        for (const endpoint of endpoints(stringOf(get(env, "value")) ?? "")) {
          // A bare word counts only where the variable holds an address (not POSTGRES_USER=postgres).
          if (!endpoint.scheme && !endpoint.port && !ADDRESS_NAME.test(name)) continue;
          const [host, namespace, svc] = endpoint.host.split(".");
          const db = hosts.get(host!);
          if (!db || (svc !== undefined && svc !== "svc")) continue;
          // `postgres.other` is another namespace's postgres (manifests without one go to default).
          if (namespace && namespace !== (db.namespace ?? "default")) continue;
          const own = declared.filter((r) => r.workload && r.workload === db.name);
          if (!own.length || uses.some((u) => u.resource === own[0]!.name)) continue;
          waits ??= dependencies(declared, app.name);
          if (!waits) return undefined;
          if (own.some((r) => waits!.has(r.name) || waits!.has(r.workload!))) continue;
          uses.push({ resource: own[0]!.name, env: name, file: path });
        }
      }
    }
  }
  return uses;
}

function finding(file: SourceFile, app: Resource, uses: Use[]): RuleFinding {
  const arg = app.workloadArg!;
  const written = file.text.slice(arg.start, arg.end);
  const list = uses.map((u) => `\`${u.resource}\` (${u.env} in ${u.file})`).join(" and ");
  const names = uses.map((u) => u.resource).join(" and ");
  const deps = [...(app.deps ?? []), ...uses.map((u) => u.resource)];
  const plural = uses.length > 1;
  return {
    start: arg.start,
    end: arg.end,
    message:
      `\`${written}\` connects to ${list}, but its resource_deps do not include ` +
      `${plural ? "them" : "it"}: Tilt starts them in parallel, and ${app.name} crash-loops ` +
      `until ${names} ${plural ? "are" : "is"} ready`,
    advice:
      `Wait for ${plural ? "them" : "it"}: \`k8s_resource('${written}', …, resource_deps=[${deps.map((d) => `'${d}'`).join(", ")}])\`. ` +
      `Tilt then starts ${app.name} once the pods of ${names} are ready (give them a readiness probe).`,
  };
}
