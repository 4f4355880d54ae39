/**
 * What the manifests of a run deploy, as plain data: their objects, the containers and env of
 * their workloads, the selectors of their Services. Rules that relate one file to every manifest
 * of the repository (a Tiltfile's resources, a compose file's services) read this instead of the
 * manifests' YAML: each manifest's inventory is taken where the manifest is scanned, on its
 * already parsed YAML, so a parallel run hands it across threads and no file is parsed twice.
 */
import { isMap } from "yaml";
import type { ImageOccurrence } from "./images.js";
import type { SourceFile } from "./source.js";
import type { ScanContext } from "./types.js";
import {
  items,
  objects,
  workloads,
  WORKLOAD_KINDS,
  type DependencyKind,
  type Workload,
} from "./workloads.js";
import { get, getIn, keyText, stringOf } from "./yaml.js";

/** One container of a workload. */
export interface InventoryContainer {
  init: boolean;
  /** The literal image, when it is one. */
  image?: ImageOccurrence;
  kind?: DependencyKind;
  /** `env` entries that are mappings: [name, value], each `""` when not a string. */
  env: [name: string, value: string][];
}

/** One Kubernetes object of a manifest. */
export interface InventoryObject {
  kind: string;
  name?: string;
  namespace?: string;
  /** A workload's pods: their labels and containers (as {@link workloads} finds them). */
  pods?: {
    /** Label → its value when a string; the first of duplicate keys wins. */
    labels: Map<string, string | undefined>;
    containers: InventoryContainer[];
  };
  /** A Service's non-empty `spec.selector`: [key, value], each undefined when not a string. */
  selector?: [key: string | undefined, value: string | undefined][];
}

/** The inventory of one manifest. */
export interface FileInventory {
  /** Relative to the scanned root, `/`-separated. */
  path: string;
  /** Its workloads and Services, in document order. */
  objects: InventoryObject[];
}

/** A manifest without these words has neither workloads nor Services: it is not parsed for them. */
const KINDS = new RegExp(`\\b(?:${[...WORKLOAD_KINDS, "Service"].join("|")})\\b`);

/** Where a workload kind keeps its pod template's labels (what a Service selects). */
const LABELS: Record<string, readonly string[]> = {
  Pod: ["metadata", "labels"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
};
const TEMPLATE_LABELS = ["spec", "template", "metadata", "labels"];

/** The inventory of a manifest (parsing it if no rule did and it may have some). */
export function fileInventory(file: SourceFile): FileInventory {
  if (!KINDS.test(file.text)) return { path: file.path, objects: [] };
  const pods = new Map<unknown, Workload>(workloads(file).map((w) => [w.node, w]));
  return {
    path: file.path,
    objects: objects(file).flatMap((object) => {
      if (object.kind !== "Service" && !pods.has(object.node)) return [];
      const out: InventoryObject = { kind: object.kind };
      if (object.name !== undefined) out.name = object.name;
      if (object.namespace !== undefined) out.namespace = object.namespace;
      const workload = pods.get(object.node);
      if (workload) {
        const labels = new Map<string, string | undefined>();
        const node = getIn(workload.node, LABELS[workload.kind] ?? TEMPLATE_LABELS);
        if (isMap(node)) {
          for (const pair of node.items) {
            const key = keyText(pair.key);
            if (key !== undefined && !labels.has(key)) labels.set(key, stringOf(pair.value));
          }
        }
        out.pods = {
          labels,
          containers: workload.containers.map((c) => ({
            init: c.init,
            ...(c.image ? { image: c.image } : {}),
            ...(c.kind ? { kind: c.kind } : {}),
            env: items(get(c.node, "env")).map((e) => [
              stringOf(get(e, "name")) ?? "",
              stringOf(get(e, "value")) ?? "",
            ]),
          })),
        };
      }
      const selector = object.kind === "Service" && getIn(object.node, ["spec", "selector"]);
      if (isMap(selector) && selector.items.length) {
        out.selector = selector.items.map((p) => [keyText(p.key), stringOf(p.value)]);
      }
      return [out];
    }),
  };
}

const computed = new WeakMap<readonly SourceFile[], readonly FileInventory[]>();

/**
 * The inventory of every manifest of the run, in the run's file order: the scanner's when it
 * gathered one, else taken from {@link ScanContext.files} (once per file list); undefined
 * when text is checked alone.
 */
export function runInventory(context: ScanContext): readonly FileInventory[] | undefined {
  if (context.inventory) return context.inventory();
  const files = context.files?.();
  if (!files) return undefined;
  let inventory = computed.get(files);
  if (!inventory) {
    inventory = files.filter((f) => f.type === "manifest").map(fileInventory);
    computed.set(files, inventory);
  }
  return inventory;
}
