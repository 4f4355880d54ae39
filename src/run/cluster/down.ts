import type { K8sObject } from "../../render/k8s/object.js";
import { displayName, managersOf, ownedBy } from "./apply.js";
import { helmUninstall } from "./chart.js";
import { loadStack } from "./inventory.js";
import type { LiveObject } from "./readiness.js";
import type { ClusterSession } from "./session.js";

export interface ClusterDownOutcome {
  /** `kind/name` of each object deleted, in the order they went. */
  deleted: string[];
  /** Objects of the stack's names that parity did not create: left alone. */
  foreign: Array<{ object: string; managers: string }>;
}

const GONE_TIMEOUT_MS = 60_000;

/**
 * `parity down --target cluster`: deletes what this stack applied, by its labels only, dependents
 * first (level by level, the reverse of `up`), each level gone before the next. Secrets go last;
 * volume claims only with `volumes`. The namespace and the shared StorageClass stay. An object
 * that has one of the stack's names but not its labels is reported, never deleted.
 */
export async function downCluster(
  session: ClusterSession,
  projectDir: string,
  options: { volumes: boolean; onDeleted?: (object: string) => void },
): Promise<ClusterDownOutcome> {
  const { client, discovery, plan } = session;
  const { objects, setup, live } = await loadStack(session, projectDir);
  const outcome: ClusterDownOutcome = { deleted: [], foreign: [] };

  const remove = async (wanted: readonly K8sObject[]) => {
    const present = wanted.filter((o) => live.has(displayName(o)));
    const paths = await Promise.all(present.map((o) => discovery.path(o, plan.namespace)));
    await Promise.all(
      paths.map((path) =>
        client.request(path, {
          method: "DELETE",
          query: { propagationPolicy: "Foreground" },
          allow: [404],
        }),
      ),
    );
    // Foreground deletion keeps the object until its pods are gone: wait for that, so what
    // depends on a database has stopped before the database does.
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    for (const path of paths) {
      while (Date.now() < deadline && (await client.get(path))) await sleep(100);
    }
    for (const o of present) {
      outcome.deleted.push(displayName(o));
      options.onDeleted?.(displayName(o));
    }
  };

  for (const level of [...plan.levels].reverse()) {
    await remove(level.flatMap((name) => objects.get(name) ?? []));
    // A service from a third-party chart goes as it came: helm removes its release.
    for (const name of level) {
      const service = plan.resources.find((r) => r.name === name);
      if (service?.sort !== "service" || !service.chart) continue;
      await helmUninstall(name, plan.namespace, projectDir, session.helm);
      outcome.deleted.push(`helm release ${name}`);
      options.onDeleted?.(`helm release ${name}`);
    }
  }
  await remove(setup.filter((o) => o.kind === "Secret"));

  if (options.volumes) {
    const path = await discovery.collection("v1", "PersistentVolumeClaim", plan.namespace);
    const claims = await client.request<{ items: LiveObject[] }>(path, {
      query: { labelSelector: session.stackSelector },
    });
    for (const c of claims.items) live.set(`persistentvolumeclaim/${c.metadata.name}`, c);
    await remove(
      claims.items.map((c) => ({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: c.metadata.name },
      })),
    );
  }

  // Names of the stack that exist without its labels: someone else's, reported.
  for (const object of [...objects.values()].flat()) {
    if (live.has(displayName(object))) continue;
    const other = await client.get<LiveObject>(await discovery.path(object, plan.namespace));
    if (other && !ownedBy(other, plan.stack))
      outcome.foreign.push({ object: displayName(object), managers: managersOf(other) });
  }
  return outcome;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
