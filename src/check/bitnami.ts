/**
 * What parity knows about the 2025 Bitnami change, shared by the bitnami-* rules: how to read
 * an image reference, which references are affected, and what to use instead. Facts as of
 * 2025-2026 (see the rules' docs): the public docker.io/bitnami catalog was deleted on
 * 2025-09-29, versioned tags were frozen in docker.io/bitnamilegacy, bitnamisecure serves
 * `latest` only, public.ecr.aws/bitnami was retired on 2026-06-10, and the chart repositories
 * are no longer updated.
 */

export interface ImageRef {
  /** Normalized: Docker Hub's aliases all become `docker.io`. */
  registry: string;
  /** Without registry, tag or digest, e.g. `bitnami/postgresql`. */
  repository: string;
  tag?: string;
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** Parses `[registry/]repository[:tag][@digest]`; undefined for anything that is not one. */
export function parseImage(reference: string): ImageRef | undefined {
  if (!/^[a-z0-9][\w.:/@+-]*$/i.test(reference)) return undefined;
  const withoutDigest = reference.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const segments = name.split("/");
  const first = segments[0]!;
  const hasRegistry =
    segments.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first.toLowerCase() : "docker.io";
  const repository = (hasRegistry ? segments.slice(1) : segments).join("/");
  if (!repository || segments.some((s) => !s)) return undefined;
  return { registry: DOCKER_HUB.has(registry) ? "docker.io" : registry, repository, tag };
}

/** How a reference is affected; `mirror` is a Bitnami image copied to some other registry. */
export type BitnamiImageKind = "bitnami" | "legacy" | "secure" | "ecr" | "mirror";

export interface BitnamiImage {
  kind: BitnamiImageKind;
  /** The image's own name, e.g. `postgresql`. */
  name: string;
}

/** Images Bitnami still publishes and that the change did not touch. */
function unaffected(name: string): boolean {
  return name.startsWith("sealed-secrets-") || name === "minideb";
}

/** Whether (and how) an image is one of the affected Bitnami images. */
export function bitnamiImage(ref: ImageRef): BitnamiImage | undefined {
  const segments = ref.repository.split("/");
  const name = segments[segments.length - 1]!;
  const namespace = segments.length > 1 ? segments[0] : undefined;
  if (unaffected(name)) return undefined;
  if (ref.registry === "docker.io") {
    if (namespace === "bitnami") return { kind: "bitnami", name };
    if (namespace === "bitnamilegacy") return { kind: "legacy", name };
    if (namespace === "bitnamisecure") return { kind: "secure", name };
    return undefined;
  }
  if (ref.registry === "public.ecr.aws" && namespace === "bitnami") return { kind: "ecr", name };
  // A proxy or mirror (`harbor.example.com/dockerhub/bitnami/redis`): a copy that no longer updates.
  const path = segments.slice(0, -1);
  if (path.includes("bitnami") || path.includes("bitnamilegacy")) return { kind: "mirror", name };
  return undefined;
}

/** Official images to move to, by Bitnami image name. */
const REPLACEMENTS: Record<string, string> = {
  postgresql: "`postgres:18.1`",
  "postgresql-repmgr": "`postgres:18.1` (replication: CloudNativePG)",
  redis: "`redis:8.4.0` (or `valkey/valkey:9.0.1`)",
  "redis-cluster": "`redis:8.4.0` (or `valkey/valkey:9.0.1`)",
  "redis-sentinel": "`redis:8.4.0` (or `valkey/valkey:9.0.1`)",
  valkey: "`valkey/valkey:9.0.1`",
  rabbitmq: "`rabbitmq:4.2.2-management`",
  kafka: "`apache/kafka:4.1.1`",
  mongodb: "`mongo:8`",
  mysql: "`mysql:8.4`",
  mariadb: "`mariadb:11.4`",
  nginx: "`nginx:1.27`",
  memcached: "`memcached:1.6`",
  "os-shell": "`busybox:1.37` (for volume-permission init containers)",
  "postgres-exporter": "`quay.io/prometheuscommunity/postgres-exporter` (pin a release tag)",
  "redis-exporter": "`oliver006/redis_exporter` (pin a release tag)",
};

const MINIO =
  "MinIO itself is archived (no new images since 2025-10): pin `quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z` knowingly, or move to another S3-compatible server";

/** What to run instead of a Bitnami image, as one sentence. */
export function imageReplacement(name: string): string {
  if (name === "minio" || name === "minio-client") return `${MINIO}.`;
  const official = REPLACEMENTS[name];
  return official
    ? `Use the official image ${official}.`
    : `Use the project's official image for ${name}, pinned to a version.`;
}

/** Replacements for Bitnami charts, by chart (or image) name. */
export function chartAlternative(chart: string | undefined): string {
  const name = chart ?? "<chart>";
  return (
    knownChartAlternative(chart) ??
    `Use a maintained chart such as CloudPirates' (\`oci://registry-1.docker.io/cloudpirates/${name}\`), or the official image with plain manifests.`
  );
}

/** The specific replacement for the charts most projects used, else undefined. */
export function knownChartAlternative(chart: string | undefined): string | undefined {
  if (chart === "postgresql" || chart === "postgresql-ha" || chart === "postgresql-repmgr") {
    return "For PostgreSQL use CloudNativePG: the `cnpg/cloudnative-pg` operator chart plus a `cnpg/cluster` chart (https://cloudnative-pg.github.io/charts).";
  }
  if (chart === "rabbitmq" || chart === "rabbitmq-cluster-operator") {
    return "For RabbitMQ use the RabbitMQ Cluster Operator (a `RabbitmqCluster` resource; its credentials are in the `<name>-default-user` Secret).";
  }
  if (chart && /^(redis|valkey)(-cluster|-sentinel)?$/.test(chart)) {
    return "For Redis use Valkey: the `valkey-io/valkey-helm` chart, or the official `valkey/valkey:9.0.1` or `redis:8.4.0` image with plain manifests.";
  }
  if (chart === "minio") return `${MINIO}.`;
  if (chart === "common") {
    return "`common` is Bitnami's library chart: it goes away with the Bitnami charts that depend on it.";
  }
  return undefined;
}

/** Every kind of chart alternative, for references that do not name a chart. */
export const ALL_CHART_ALTERNATIVES =
  "Alternatives: CloudNativePG (`cnpg/cloudnative-pg` + `cnpg/cluster`) for PostgreSQL, the RabbitMQ Cluster Operator for RabbitMQ, `valkey-io/valkey-helm` or official images with plain manifests for Redis, CloudPirates charts (`oci://registry-1.docker.io/cloudpirates/<chart>`) otherwise.";

export interface ChartUrl {
  index: number;
  text: string;
  /** The chart, when the URL names one (`oci://…/bitnamicharts/postgresql`). */
  chart?: string;
}

// The HTTP repository, its full-index archive on GitHub, and the OCI namespace (Argo CD and
// helmfile write it without `oci://`). The look-behind keeps `xdocker.io` from matching.
const CHART_URL =
  /(?<![\w.-])(?:https?:\/\/charts\.bitnami\.com\/bitnami|https?:\/\/raw\.githubusercontent\.com\/bitnami\/charts\/[\w.-]+\/bitnami|(?:oci:\/\/)?(?:registry-1\.|index\.)?docker\.io\/bitnamicharts(?:\/([a-z0-9][a-z0-9.-]*))?)\/?(?![\w.-])/g;

/** The Bitnami chart repository URLs in a text. */
export function findChartUrls(text: string): ChartUrl[] {
  return [...text.matchAll(CHART_URL)].map((m) => ({
    index: m.index,
    text: m[0],
    chart: m[1],
  }));
}

/** Whether a chart repository URL (or a `@bitnami` / `alias:bitnami` reference) is Bitnami's. */
export function isBitnamiRepository(url: string): boolean {
  return findChartUrls(url.trim()).length > 0 || /^(@|alias:)bitnami$/.test(url.trim());
}
