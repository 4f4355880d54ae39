import { ADDRESS_NAME, BACKING_KINDS, endpoints } from "../connections.js";
import { runInventory, type FileInventory, type InventoryObject } from "../inventory.js";
import type { SourceFile } from "../source.js";
import { argument, type Expr } from "../starlark.js";
import { dependencies, resources, type Resource } from "../tilt.js";
import type { Fix, Rule, RuleFinding, TextEdit } from "../types.js";
import { sameNamespace } from "../workloads.js";

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
  scope: "inventory",
  *check(file, context) {
    const declared = resources(file);
    const inventory =
      declared.filter((r) => r.workload).length > 1 ? runInventory(context) : undefined;
    if (!inventory) return;
    const deployed = deploymentsOf(inventory);
    if (!deployed.databases.size) return;
    // Only k8s_resource calls name a workload whose env tells what it connects to.
    for (const app of declared.filter((r) => r.workload)) {
      const uses = usesOf(app, deployed, declared);
      if (uses?.length) yield finding(file, app, uses);
    }
  },
};

type Workload = InventoryObject & { pods: NonNullable<InventoryObject["pods"]> };

/** What the rule needs of a run's manifests, the same for every Tiltfile of the run. */
interface Deployed {
  /** Each workload with the path of its file (for the message), by workload name. */
  byName: Map<string | undefined, { workload: Workload; path: string }[]>;
  databases: Set<Workload>;
  /** Each name that reaches a database. */
  hosts: Map<string, Workload>;
}

const deployments = new WeakMap<readonly FileInventory[], Deployed>();

function deploymentsOf(inventory: readonly FileInventory[]): Deployed {
  let deployed = deployments.get(inventory);
  if (deployed) return deployed;
  const byName: Deployed["byName"] = new Map();
  const all: Workload[] = [];
  for (const f of inventory) {
    for (const object of f.objects) {
      if (!object.pods) continue;
      const workload = object as Workload;
      all.push(workload);
      const named = byName.get(workload.name);
      if (named) named.push({ workload, path: f.path });
      else byName.set(workload.name, [{ workload, path: f.path }]);
    }
  }
  // A database runs in a long-running workload; Jobs and init containers using its image are clients.
  const databases = all.filter(
    (w) =>
      !/Job$/.test(w.kind) &&
      w.pods.containers.some((c) => !c.init && c.kind && BACKING_KINDS.has(c.kind)),
  );
  deployed = { byName, databases: new Set(databases), hosts: hostNames(inventory, databases) };
  deployments.set(inventory, deployed);
  return deployed;
}

/** Each name that reaches a database: its workload's, and each Service's that selects its pods. */
function hostNames(
  inventory: readonly FileInventory[],
  databases: Workload[],
): Map<string, Workload> {
  const hosts = new Map<string, Workload>();
  for (const db of databases) if (db.name) hosts.set(db.name, db);
  for (const service of inventory.flatMap((f) => f.objects)) {
    const selector = service.selector;
    if (service.kind !== "Service" || !service.name || !selector) continue;
    const target = databases.find(
      (db) =>
        sameNamespace(db.namespace, service.namespace) &&
        selector.every(([key, value]) => key !== undefined && db.pods.labels.get(key) === value),
    );
    if (target) hosts.set(service.name, target);
  }
  return hosts;
}

/**
 * The databases an app's env connects to and that it does not wait for; undefined when its
 * `resource_deps` (or those of a resource on the way) are not literal.
 */
function usesOf(app: Resource, deployed: Deployed, declared: Resource[]): Use[] | undefined {
  const uses: Use[] = [];
  let waits: Set<string> | undefined;
  for (const { workload, path } of deployed.byName.get(app.workload) ?? []) {
    // A CronJob runs on its schedule, long after `tilt up` brought its database up.
    if (deployed.databases.has(workload) || workload.kind === "CronJob") continue;
    for (const container of workload.pods.containers.filter((c) => !c.init)) {
      for (const [name, value] of container.env) {
        for (const endpoint of endpoints(value)) {
          // A bare word counts only where the variable holds an address (not POSTGRES_USER=postgres).
          if (!endpoint.scheme && !endpoint.port && !ADDRESS_NAME.test(name)) continue;
          const [host, namespace, svc] = endpoint.host.split(".");
          const db = deployed.hosts.get(host!);
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
  const fix = addDeps(file, app, [...new Set(uses.map((u) => u.resource))]);
  return {
    start: arg.start,
    end: arg.end,
    ...(fix ? { fix } : {}),
    message:
      `\`${written}\` connects to ${list}, but its resource_deps do not include ` +
      `${plural ? "them" : "it"}: Tilt starts them in parallel, and ${app.name} crash-loops ` +
      `until ${names} ${plural ? "are" : "is"} ready`,
    advice:
      `Wait for ${plural ? "them" : "it"}: \`k8s_resource('${written}', …, resource_deps=[${deps.map((d) => `'${d}'`).join(", ")}])\`. ` +
      `Tilt then starts ${app.name} once the pods of ${names} are ready (give them a readiness probe).`,
  };
}

/**
 * Adds resources to an app's literal `resource_deps` list, or a `resource_deps=[…]` argument
 * after its last one; nothing when the list is a variable or the call spreads `*args`.
 */
function addDeps(file: SourceFile, app: Resource, names: string[]): Fix | undefined {
  const { call } = app;
  if (call.args.some((a) => a.keyword === "*")) return undefined;
  // The quotes the file uses (the character before the app's name).
  const quote = file.text[app.workloadArg!.start - 1] === '"' ? '"' : "'";
  const items = names.map((n) => `${quote}${n}${quote}`).join(", ");
  const list = argument(call, 5, "resource_deps");
  let edit: TextEdit;
  if (list?.kind === "list") {
    const last = list.items.at(-1);
    edit = last
      ? { range: [endOf(last), endOf(last)], text: `, ${items}` }
      : { range: [list.start + 1, list.start + 1], text: items };
  } else if (!list) {
    const end = endOf(call.args.at(-1)!.value);
    edit = { range: [end, end], text: `, resource_deps=[${items}]` };
  } else return undefined;
  return { description: `add ${names.join(", ")} to ${app.name}'s resource_deps`, edits: [edit] };
}

/** Where an expression's text ends (a string's after its closing quote). */
const endOf = (expr: Expr) => (expr.kind === "string" ? expr.literal[1] : expr.end);
