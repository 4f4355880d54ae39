import {
  externalSecretObject,
  namespaceObject,
  secretObject,
  storageClassObject,
} from "../../render/k8s/cluster-objects.js";
import type { K8sObject } from "../../render/k8s/object.js";
import { displayName } from "./apply.js";
import { resourceObjects } from "./objects.js";
import { WORKLOAD_KINDS, type LiveObject } from "./readiness.js";
import type { ClusterSession } from "./session.js";

/** The objects that stand beside the graph: the namespace, parity's StorageClass, the Secrets. */
export function setupObjects(plan: ClusterSession["plan"]): K8sObject[] {
  return [
    namespaceObject(plan),
    storageClassObject(plan),
    ...plan.resources.flatMap((r) =>
      r.sort === "service"
        ? [secretObject(plan, r)]
        : r.sort === "external"
          ? [externalSecretObject(plan, r)]
          : [],
    ),
  ];
}

/** This stack's live objects of the kinds it applies, listed by parity's labels. */
export async function inventory(
  session: ClusterSession,
  objects: readonly K8sObject[],
): Promise<Map<string, LiveObject>> {
  const kinds = new Map(objects.map((o) => [`${o.apiVersion} ${o.kind}`, o]));
  const found = new Map<string, LiveObject>();
  await Promise.all(
    [...kinds.values()].map(async (o) => {
      const path = await session.discovery.collection(o.apiVersion, o.kind, session.plan.namespace);
      const list = await session.client.request<{ items: LiveObject[] }>(path, {
        query: { labelSelector: session.stackSelector },
      });
      for (const item of list.items)
        found.set(displayName({ kind: o.kind, metadata: item.metadata }), {
          ...item,
          kind: o.kind,
        });
    }),
  );
  return found;
}

/** What the stack should have, and what of it the cluster has. */
export interface StackObjects {
  /** Each resource's objects, as render writes them. */
  objects: Map<string, K8sObject[]>;
  setup: K8sObject[];
  /** Live objects of this stack, by `kind/name`. */
  live: Map<string, LiveObject>;
}

export async function loadStack(
  session: ClusterSession,
  projectDir: string,
): Promise<StackObjects> {
  const objects = await resourceObjects(session.plan, projectDir);
  const setup = setupObjects(session.plan);
  const live = await inventory(session, [...setup, ...[...objects.values()].flat()]);
  return { objects, setup, live };
}

/**
 * The workloads of a release as helm applied them, each beside its live object (absent when the
 * cluster does not have it). A release is helm's, without parity's labels, so its objects are
 * read one by one rather than listed by the stack's selector.
 */
export async function releaseWorkloads(
  client: ClusterSession["client"],
  discovery: ClusterSession["discovery"],
  namespace: string,
  released: readonly K8sObject[],
): Promise<Array<{ object: K8sObject; live: LiveObject | undefined }>> {
  return Promise.all(
    released
      .filter((o) => WORKLOAD_KINDS.has(o.kind))
      .map(async (object) => {
        const found = await client.get<LiveObject>(await discovery.path(object, namespace));
        return { object, live: found && ({ ...found, kind: object.kind } as LiveObject) };
      }),
  );
}
