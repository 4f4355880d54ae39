import { createHash } from "node:crypto";
import type { K8sObject } from "../../render/k8s/object.js";
import type { KubeClient } from "./client.js";
import type { Discovery } from "./discovery.js";
import { ClusterError } from "./errors.js";
import type { LiveObject } from "./readiness.js";

export const FIELD_MANAGER = "parity";
/** The digest of what parity applied: an object whose live digest matches needs no write. */
export const APPLIED_ANNOTATION = "parity.dev/applied";
const MANAGED_BY = "app.kubernetes.io/managed-by";
const PART_OF = "app.kubernetes.io/part-of";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function digestOf(object: K8sObject): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(object)))
    .digest("hex")
    .slice(0, 16);
}

/** The object as parity applies it: with the digest of its content. */
export function withDigest(object: K8sObject): K8sObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [APPLIED_ANNOTATION]: digestOf(object) },
    },
  };
}

/** Whether a live object is this stack's, by the labels parity puts on everything it applies. */
export function ownedBy(live: LiveObject, stack: string): boolean {
  const labels = live.metadata.labels ?? {};
  return labels[MANAGED_BY] === "parity" && labels[PART_OF] === stack;
}

/** Who wrote an object, from its managed fields: what a refusal names. */
export function managersOf(live: LiveObject): string {
  const managers = [...new Set((live.metadata.managedFields ?? []).map((f) => f.manager))];
  return managers.filter(Boolean).join(", ") || "unknown";
}

/**
 * Objects parity uses without owning them: its StorageClass is shared by every stack on the
 * cluster (the first one made it), and a namespace that exists already is used as it is, never
 * relabelled as parity's.
 */
function shared(object: K8sObject, live: LiveObject, stack: string): boolean {
  if (object.kind === "StorageClass") return live.metadata.labels?.[MANAGED_BY] === "parity";
  return object.kind === "Namespace" && !ownedBy(live, stack);
}

export type ApplyOutcome = "created" | "configured" | "unchanged";

/** `kind/name`, as kubectl prints it. */
export function displayName(object: { kind?: string; metadata: { name: string } }): string {
  return `${(object.kind ?? "object").toLowerCase()}/${object.metadata.name}`;
}

/**
 * Server-side apply with field manager `parity` and strict field validation. An object that
 * exists but is not this stack's is never taken over: apply refuses, naming who manages it.
 * An object whose live digest matches is not written at all.
 */
export class Applier {
  constructor(
    private readonly client: KubeClient,
    private readonly discovery: Discovery,
    private readonly namespace: string,
    private readonly stack: string,
    /** Live objects of this stack, listed once by label: what needs no lookup of its own. */
    private readonly inventory: Map<string, LiveObject>,
  ) {}

  /**
   * Deletes an object of this stack (a Job about to run anew) and forgets it was there. What the
   * stack's labels do not mark as its own is left for apply to refuse.
   */
  async delete(object: K8sObject): Promise<void> {
    this.lookedUp.delete(Applier.key(object));
    if (!this.inventory.delete(Applier.key(object))) return;
    const path = await this.discovery.path(object, this.namespace);
    await this.client.request(path, {
      method: "DELETE",
      query: { propagationPolicy: "Background" },
      allow: [404],
    });
    // A Job's name is free again only once the object is gone; with background propagation
    // that is at once, unless someone added a finalizer.
    for (let i = 0; i < 100 && (await this.client.get(path)); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }

  static key(object: { kind?: string; metadata: { name: string } }): string {
    return displayName(object);
  }

  /** Objects looked up by name because the stack's labels did not list them: absent or foreign. */
  private readonly lookedUp = new Map<string, LiveObject | undefined>();

  /**
   * The live object of this name, if any; throws when it exists and is not this stack's. Call it
   * for every object of a resource before applying any, so a refusal leaves nothing half-applied.
   */
  async lookup(object: K8sObject): Promise<LiveObject | undefined> {
    const key = Applier.key(object);
    let live = this.inventory.get(key);
    if (!live && !this.lookedUp.has(key)) {
      const path = await this.discovery.path(object, this.namespace);
      this.lookedUp.set(key, await this.client.get<LiveObject>(path));
    }
    live ??= this.lookedUp.get(key);
    if (live && !shared(object, live, this.stack) && !ownedBy(live, this.stack)) {
      throw new ClusterError(
        `${displayName(object)} already exists in ${live.metadata.namespace ? `namespace "${live.metadata.namespace}"` : "the cluster"} and parity did not create it (managed by: ${managersOf(live)}); parity leaves it alone: delete or rename it, or change the spec`,
      );
    }
    return live;
  }

  async apply(object: K8sObject): Promise<{ outcome: ApplyOutcome; live: LiveObject }> {
    const desired = withDigest(object);
    const path = await this.discovery.path(desired, this.namespace);
    const live = await this.lookup(object);
    if (live && shared(object, live, this.stack))
      return { outcome: "unchanged", live: { ...live, kind: object.kind } };
    const digest = desired.metadata.annotations![APPLIED_ANNOTATION];
    if (live && live.metadata.annotations?.[APPLIED_ANNOTATION] === digest)
      return { outcome: "unchanged", live: { ...live, kind: object.kind } };
    const applied = await this.client.request<LiveObject>(path, {
      method: "PATCH",
      query: { fieldManager: FIELD_MANAGER, fieldValidation: "Strict", force: true },
      contentType: "application/apply-patch+yaml",
      body: desired,
    });
    return { outcome: live ? "configured" : "created", live: { ...applied, kind: object.kind } };
  }
}
