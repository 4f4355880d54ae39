import type { ServiceProfile } from "../catalog/index.js";
import type { AppSpec, Command, JobSpec, ResourcesSpec, ServiceSpec } from "../spec/schema.js";

/**
 * An environment variable a job or app receives. Where the value differs between the cluster
 * (Service DNS names, `$(VAR)` expansion) and this machine (127.0.0.1, forwarded ports), both are kept.
 */
export type EnvVar =
  | { name: string; source: "literal"; value: string }
  | { name: string; source: "secret"; secret: string; key: string; value: string }
  | { name: string; source: "connection"; service: string; cluster: string; host: string };

interface ResourceBase {
  name: string;
  /** Resources that must be ready (jobs: completed) before this one starts. */
  after: string[];
}

/** A third-party chart that runs a service in a cluster (helm upgrade --install; Tilt's helm_resource). */
export interface ServiceChart {
  /** A directory (relative to parity.yaml), an oci:// reference, or a name in `repo`. */
  chart: string;
  repo: string | undefined;
  version: string | undefined;
  values: string[];
  set: Record<string, string>;
}

export interface ServiceResource extends ResourceBase {
  sort: "service";
  /** Set when a third-party chart runs it in a cluster; parity's own manifests otherwise. */
  chart: ServiceChart | undefined;
  /** The Service clients connect to in the cluster: the chart's, else the service's name. */
  clusterHost: string;
  kind: string;
  profile: ServiceProfile;
  persistent: boolean;
  storage: string;
  /** Host port forwarded to the main port, if any. */
  forward: number | undefined;
  /** Extra forwards (`host:container`), e.g. the RabbitMQ management UI. */
  extraForwards: Array<{ host: number; container: number }>;
  /** Kubernetes Secret holding `password`. */
  secretName: string;
  /** Name of the password variable in every container that needs it (`POSTGRES_PASSWORD`). */
  passwordEnv: string;
  /** The generated password (URL-safe). */
  password: string;
  /** Extra server environment from the spec. */
  extraEnv: Record<string, string>;
  resources: Required<ResourcesSpec>;
  spec: ServiceSpec;
}

/**
 * A service parity does not run (kind `external`): its variables' values, from the developer's
 * environment or the git-ignored file, become a Secret the consumers' env refers to.
 */
export interface ExternalResource extends ResourceBase {
  sort: "external";
  variables: string[];
  /** The variable whose URL is checked before dependents start. */
  check: string | undefined;
  secretName: string;
  /** Each variable's value; undefined where the developer has not set it. */
  values: Record<string, string | undefined>;
  spec: ServiceSpec;
}

/** Where a job's or app's image comes from. */
export interface ImageSource {
  image: string;
  /** Set when parity (Tilt) builds the image. */
  build:
    { context: string; dockerfile: string | undefined; target: string | undefined } | undefined;
}

export interface JobResource extends ResourceBase {
  sort: "job";
  image: ImageSource;
  command: string[];
  /** The command for the local target. */
  localCommand: string[];
  localDir: string;
  dev: boolean;
  timeout: number;
  uses: string[];
  env: EnvVar[];
  resources: Required<ResourcesSpec>;
  /** The database whose schema this job migrates, and the tables that show it did. */
  schema: { service: string; tables: string[] } | undefined;
  spec: JobSpec;
}

export interface AppResource extends ResourceBase {
  sort: "app";
  image: ImageSource;
  port: number | undefined;
  command: string[] | undefined;
  localCommand: string[] | undefined;
  localDir: string;
  readiness: string | undefined;
  replicas: number;
  forward: number | undefined;
  chart: { path: string; values: string[]; set: Record<string, string> } | undefined;
  uses: string[];
  env: EnvVar[];
  resources: Required<ResourcesSpec>;
  /** Databases whose schema must be there (migrations applied) before the app starts. */
  schemaWaits: Array<{ service: string; tables: string[] }>;
  spec: AppSpec;
}

export type Resource = ServiceResource | ExternalResource | JobResource | AppResource;

/** What a job or app can use. */
export type Dependency = ServiceResource | ExternalResource;

export interface Plan {
  stack: string;
  namespace: string;
  /** Services (external ones among them), then jobs, then apps, each in spec order. */
  resources: Resource[];
  /** Prerequisites of each resource: explicit (`uses`, `after`) and implicit (apps after jobs). */
  deps: ReadonlyMap<string, readonly string[]>;
  /** Topological levels: each level can start in parallel once the previous ones are ready. */
  levels: string[][];
  cluster: { name: string; storage: string; agents: number; storageClass: string };
}

export type { Command };
