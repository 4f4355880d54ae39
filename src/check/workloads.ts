/**
 * What the stateful-dependency rules share: which image is which dependency, the major version
 * of a tag, and the structure of Kubernetes objects (workloads, their pod specs, containers,
 * volume mounts, the volumes and PersistentVolumeClaims behind them) and of compose services.
 * A rule reads one file, so "the set" a rule can see is the documents of that file.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import type { ImageRef } from "./bitnami.js";
import { imageReferences, type ImageOccurrence } from "./images.js";
import type { SourceFile } from "./source.js";
import { get, getIn, keyNode, stringOf } from "./yaml.js";

/** The dependencies the rules know, named after their official images. */
export type DependencyKind =
  | "postgres"
  | "redis"
  | "valkey"
  | "rabbitmq"
  | "mysql"
  | "mariadb"
  | "mongo"
  | "kafka"
  | "elasticsearch"
  | "minio"
  | "localstack";

// By the last segment of the repository, so official images, mirrors and the common forks
// and distributions (bitnami/postgresql, postgis/postgis, confluentinc/cp-kafka, …) all count.
const KINDS: Record<string, DependencyKind> = {
  postgres: "postgres",
  postgresql: "postgres",
  postgis: "postgres",
  pgvector: "postgres",
  timescaledb: "postgres",
  "timescaledb-ha": "postgres",
  redis: "redis",
  "redis-stack": "redis",
  "redis-stack-server": "redis",
  keydb: "redis",
  valkey: "valkey",
  rabbitmq: "rabbitmq",
  mysql: "mysql",
  "mysql-server": "mysql",
  "percona-server": "mysql",
  mariadb: "mariadb",
  mongo: "mongo",
  mongodb: "mongo",
  "mongodb-community-server": "mongo",
  "percona-server-mongodb": "mongo",
  kafka: "kafka",
  "kafka-native": "kafka",
  "cp-kafka": "kafka",
  "cp-server": "kafka",
  elasticsearch: "elasticsearch",
  opensearch: "elasticsearch",
  minio: "minio",
  localstack: "localstack",
};

/**
 * A pre-filter for images of `kinds` (all by default): their names, in any case (a name that
 * contains another, `postgresql`, goes without saying). With `objects`, only in a text that
 * also names one of these object kinds (as a word, in any case).
 */
export function dependencyWords(
  kinds?: readonly DependencyKind[],
  objects?: Iterable<string>,
): RegExp {
  const names = Object.keys(KINDS).filter((name) => !kinds || kinds.includes(KINDS[name]!));
  const words = names.filter(
    (name) => !names.some((other) => other !== name && name.includes(other)),
  );
  const also = objects ? `^(?=[\\s\\S]*?\\b(?:${[...objects].join("|")})\\b)[\\s\\S]*?` : "";
  return new RegExp(`${also}(?:${words.join("|")})`, "i");
}

/** The dependency an image runs, if it is one the rules know. */
export function dependencyKind(ref: ImageRef | undefined): DependencyKind | undefined {
  const name = ref?.repository.split("/").pop()?.toLowerCase();
  return name !== undefined && Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}

/** The leading integer of a tag (`18` of `18.1-alpine`), or undefined (`latest`, `alpine`). */
export function tagMajor(tag: string | undefined): number | undefined {
  const m = /^v?(\d+)/.exec(tag ?? "");
  return m ? Number(m[1]) : undefined;
}

/**
 * Images built on the official postgres image, whose entrypoint and data layout they share (on
 * any registry: mirrors keep the repository).
 */
const OFFICIAL_POSTGRES = new Set([
  "postgres",
  "library/postgres",
  "postgis/postgis",
  "pgvector/pgvector",
  "timescale/timescaledb",
]);

/**
 * The PostgreSQL major version of an image built on the official entrypoint: a number, `latest`
 * for the official image's untagged, `latest` and distribution-only tags (`alpine`, `trixie`),
 * or undefined when the image is another layout or its version cannot be read from the text.
 */
export function postgresMajor(image: ImageOccurrence): number | "latest" | undefined {
  const { ref } = image;
  // A variable tag (`postgres:${PG_VERSION}`) is set where this file cannot see.
  if (!OFFICIAL_POSTGRES.has(ref.repository) || image.variableTag) return undefined;
  const pg = /(?:^|-)pg(\d+)/.exec(ref.tag ?? ""); // pgvector `0.8.0-pg17`, timescale `latest-pg17`
  if (pg) return Number(pg[1]);
  if (!/(^|\/)(postgres|postgis)$/.test(ref.repository)) return undefined;
  const major = tagMajor(ref.tag);
  if (major !== undefined) return major;
  // A digest without a readable tag pins a version we cannot see; a fork's `latest` is its own.
  return ref.repository.endsWith("postgres") && !image.display.includes("@") ? "latest" : undefined;
}

/** A top-level Kubernetes object (the items of a `kind: List` count as objects). */
export interface K8sObject {
  node: YAMLMap;
  kind: string;
  name?: string;
  namespace?: string;
}

/** The pod spec of each workload kind, from the object's root. */
const POD_SPEC: Record<string, readonly string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The kinds that run pods. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC);

/**
 * Controllers that keep server pods running (readiness matters), unlike Jobs and CronJobs, and
 * unlike bare Pods: nothing replaces those, and they are what examples and debugging use.
 */
export const CONTROLLERS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
]);

export interface Container {
  node: YAMLMap;
  /** An init container (runs to completion before the others). */
  init: boolean;
  name?: string;
  /** The literal image, when it is one (not templated). */
  image?: ImageOccurrence;
  kind?: DependencyKind;
}

export interface Workload extends K8sObject {
  /** The pod spec. */
  spec: YAMLMap;
  /** Containers first, then init containers, each in document order. */
  containers: Container[];
}

/** A volume as a pod sees it: a `volumes[]` entry or a StatefulSet's claim template. */
export interface Volume {
  name: string;
  node: YAMLMap;
  /** The key of the volume source (`persistentVolumeClaim`, `emptyDir`, …), or `claimTemplate`. */
  source?: string;
  /** For `persistentVolumeClaim` volumes. */
  claimName?: string;
  claimNode?: Node;
}

export interface Mount {
  node: YAMLMap;
  /** `mountPath` without trailing slashes. */
  path: string;
  pathNode: Node;
  subPath?: string;
  /** The volume it mounts, when the pod spec (or claim templates) define it. */
  volume?: Volume;
}

const cache = new WeakMap<SourceFile, { objects: K8sObject[]; workloads: Workload[] }>();

function parse(file: SourceFile): { objects: K8sObject[]; workloads: Workload[] } {
  let found = cache.get(file);
  if (found) return found;
  const objects: K8sObject[] = [];
  for (const doc of file.yaml() ?? []) {
    const root = doc.contents;
    const items = stringOf(get(root, "kind")) === "List" ? get(root, "items") : undefined;
    for (const node of isSeq(items) ? items.items : [root]) {
      const kind = stringOf(get(node, "kind"));
      if (!isMap(node) || !kind) continue;
      const name = stringOf(getIn(node, ["metadata", "name"]));
      const namespace = stringOf(getIn(node, ["metadata", "namespace"]));
      objects.push({ node, kind, name, namespace });
    }
  }
  // Images are matched to containers by offset, so that they are read exactly as every image
  // rule reads them (templated tails cut off, digests kept).
  const images = imageReferences(file);
  const workloads: Workload[] = [];
  for (const object of objects) {
    const path = Object.hasOwn(POD_SPEC, object.kind) ? POD_SPEC[object.kind] : undefined;
    const spec = path && getIn(object.node, path);
    if (!isMap(spec)) continue;
    const containers: Container[] = [];
    for (const [key, init] of [
      ["containers", false],
      ["initContainers", true],
    ] as const) {
      for (const node of items(get(spec, key))) {
        const imageNode = get(node, "image");
        const [from, to] = imageNode?.range ?? [-1, -1];
        const image = images.find((i) => i.start >= from && i.start < to);
        const name = stringOf(get(node, "name"));
        containers.push({ node, init, name, image, kind: dependencyKind(image?.ref) });
      }
    }
    workloads.push({ ...object, spec, containers });
  }
  cache.set(file, (found = { objects, workloads }));
  return found;
}

/**
 * How a message names an object or a container (`Deployment \`web\``), or says what its name is
 * not: no name at all, or one a template (masked to nothing) would give it.
 */
export function called(
  what: string,
  node: YAMLMap,
  path: readonly string[],
  /** The file of `node`: a template read tolerantly shows what its blanked actions were. */
  file?: SourceFile,
): string {
  const nameNode = getIn(node, path);
  const name = stringOf(nameNode);
  // The value as written: from the start of its line (a blanked action before it is not in
  // the scalar's range) to its end.
  const [from, to] = nameNode?.range ?? [0, 0];
  const line = file?.template?.lastIndexOf("\n", from) ?? -1;
  const templated = file?.template?.slice(line + 1, to).includes("{{");
  if (name?.trim() && !templated) return `${what} \`${name.trim()}\``;
  const a = /^[aeiou]/i.test(what) ? "an" : "a";
  const present = keyNode(path.length > 1 ? getIn(node, path.slice(0, -1)) : node, path.at(-1)!);
  return `${a} ${what} with ${present ? "a templated name" : "no name"}`;
}

/** The Kubernetes objects of a file. */
export function objects(file: SourceFile): readonly K8sObject[] {
  return parse(file).objects;
}

/** The workloads of a file (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob…). */
export function workloads(file: SourceFile): readonly Workload[] {
  return parse(file).workloads;
}

/** The mapping items of a sequence node (anything else is skipped). */
export function items(node: unknown): YAMLMap[] {
  return isSeq(node) ? node.items.filter((item): item is YAMLMap => isMap(item)) : [];
}

/** Two objects share a namespace unless both name one and they differ (kustomize sets it later). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** The volumes of a workload's pods: `volumes[]`, then a StatefulSet's `volumeClaimTemplates`. */
export function volumes(workload: Workload): Volume[] {
  const out: Volume[] = [];
  for (const node of items(get(workload.spec, "volumes"))) {
    const name = stringOf(get(node, "name"));
    if (name === undefined) continue;
    const source = node.items.map((p) => stringOf(p.key) ?? "").find((k) => k && k !== "name");
    const claimNode = getIn(node, ["persistentVolumeClaim", "claimName"]);
    out.push({ name, node, source, claimName: stringOf(claimNode), claimNode });
  }
  if (workload.kind === "StatefulSet") {
    for (const node of items(getIn(workload.node, ["spec", "volumeClaimTemplates"]))) {
      const name = stringOf(getIn(node, ["metadata", "name"]));
      if (name !== undefined) out.push({ name, node, source: "claimTemplate" });
    }
  }
  return out;
}

/** Whether data on the volume outlives the pod (a claim, a claim template, an ephemeral claim). */
export function isPersistent(volume: Volume | undefined): boolean {
  const source = volume?.source;
  return source === "persistentVolumeClaim" || source === "claimTemplate" || source === "ephemeral";
}

/** A container's volume mounts, each with the volume it mounts. */
export function mounts(workload: Workload, container: Container): Mount[] {
  const known = volumes(workload);
  const out: Mount[] = [];
  for (const node of items(get(container.node, "volumeMounts"))) {
    const pathNode = get(node, "mountPath");
    const path = stringOf(pathNode);
    if (!pathNode || path === undefined) continue;
    const name = stringOf(get(node, "name"));
    out.push({
      node,
      path: path.replace(/(.)\/+$/, "$1"),
      pathNode,
      subPath: stringOf(get(node, "subPath")),
      volume: known.find((v) => v.name === name),
    });
  }
  return out;
}

/** A container's `env` entry: `value` when literal, undefined for `valueFrom`. */
export function env(
  container: Container,
  name: string,
): { value?: string; node: YAMLMap } | undefined {
  const node = items(get(container.node, "env")).find((e) => stringOf(get(e, "name")) === name);
  if (!node) return undefined;
  const value = get(node, "value");
  return { node, value: isScalar(value) && value.value !== null ? String(value.value) : undefined };
}

export interface ComposeService {
  name: string;
  node: YAMLMap;
  image?: ImageOccurrence;
  kind?: DependencyKind;
}

/** The services of a compose file, with their images. */
export function composeServices(file: SourceFile): ComposeService[] {
  const images = imageReferences(file);
  const out: ComposeService[] = [];
  for (const doc of file.yaml() ?? []) {
    const services = get(doc.contents, "services");
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      const name = stringOf(pair.key);
      const node = pair.value;
      if (name === undefined || !isMap(node)) continue;
      const [from, to] = get(node, "image")?.range ?? [-1, -1];
      const image = images.find((i) => i.start >= from && i.start < to);
      out.push({ name, node, image, kind: dependencyKind(image?.ref) });
    }
  }
  return out;
}

/** A compose service's environment variable, from the map or the `NAME=value` list form. */
export function composeEnv(service: ComposeService, name: string): string | undefined {
  const environment = get(service.node, "environment");
  if (isMap(environment)) {
    const value = get(environment, name);
    return isScalar(value) ? String(value.value ?? "") : undefined;
  }
  if (isSeq(environment)) {
    for (const item of environment.items) {
      const entry = stringOf(item);
      if (entry === name) return "";
      if (entry?.startsWith(`${name}=`)) return entry.slice(name.length + 1);
    }
  }
  return undefined;
}

/**
 * What a rule may know beyond its file: the scanner's run context (`files` is offered in a real
 * run, absent when text is checked alone). Typed structurally so rules need nothing else.
 */
export interface FilesContext {
  files?: () => readonly SourceFile[];
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf("/") + 1);

/**
 * The objects of the scanned set that `matches` accepts, nearest first: those of the same file
 * if any, else of the same directory, else of any manifest of the run. Without a run context
 * the set is the file itself. The nearest group wins, so a same-named object of another app or
 * overlay elsewhere in the repository does not override the one beside the workload.
 * `mentioned` is the pre-filter of other files, as a rule's triggers are of its own: whether a
 * file's text names what `matches` looks for (its kind, its name); other files are not parsed.
 */
export function nearestObjects(
  file: SourceFile,
  context: FilesContext | undefined,
  matches: (object: K8sObject) => boolean,
  mentioned: (text: string) => boolean = () => true,
): { file: SourceFile; object: K8sObject }[] {
  const found = (f: SourceFile) =>
    objects(f).flatMap((object) => (matches(object) ? [{ file: f, object }] : []));
  const here = found(file);
  if (here.length) return here;
  const others = (context?.files?.() ?? []).filter(
    (f) => f.type === "manifest" && f.path !== file.path && mentioned(f.text),
  );
  const near = others.filter((f) => dirOf(f.path) === dirOf(file.path)).flatMap(found);
  return near.length ? near : others.flatMap(found);
}
