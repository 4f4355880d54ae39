import { MIGRATION_TABLES } from "../catalog/postgres/schema.js";
import { external } from "../catalog/external/index.js";
import { kindOf } from "../catalog/index.js";
import { topologicalLevels } from "../graph/dag.js";
import type {
  AppSpec,
  Command,
  JobSpec,
  ResourcesSpec,
  ServiceSpec,
  Spec,
} from "../spec/schema.js";
import { wireEnv } from "./env.js";
import { passwordEnv, secretName } from "./names.js";
import type { SecretSource } from "./secrets.js";
import type {
  AppResource,
  Dependency,
  ExternalResource,
  ImageSource,
  JobResource,
  Plan,
  Resource,
  ServiceResource,
} from "./types.js";

const STORAGE_CLASS = "parity-retain";
const JOB_RESOURCES = { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" };
const APP_RESOURCES = { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" };

/** Spec → Plan: the resolved graph of services, jobs and apps, with credentials and wired env. */
export function buildPlan(
  spec: Spec,
  secrets: SecretSource,
  externalValue: (variable: string) => string | undefined = (v) => process.env[v],
): Plan {
  const services = Object.entries(spec.services).map(([name, s]) =>
    (s.kind ?? name) === external.name
      ? planExternal(name, s, externalValue)
      : planService(name, s, spec.name, secrets),
  );
  const byName = new Map(services.map((s) => [s.name, s]));
  const apps = Object.entries(spec.apps);
  const defaultApp = apps[0];

  const jobs = Object.entries(spec.jobs).map(([name, job]) => {
    const app = job.app ? ([job.app, spec.apps[job.app]!] as const) : defaultApp;
    return planJob(name, job, app, byName);
  });
  const jobNames = jobs.map((j) => j.name);
  const explicit = new Map<string, readonly string[]>([
    ...services.map((s) => [s.name, []] as const),
    ...jobs.map((j) => [j.name, j.after] as const),
    ...apps.map(([name, app]) => [name, unique([...app.uses, ...app.after])] as const),
  ]);
  const planned: Resource[] = [
    ...services,
    ...jobs,
    ...apps.map(([name, app]) =>
      planApp(name, app, jobsBefore(name, jobNames, explicit), byName, jobs),
    ),
  ];
  const deps = new Map(planned.map((r) => [r.name, r.after]));
  return {
    stack: spec.name,
    namespace: spec.namespace ?? spec.name,
    resources: planned,
    deps,
    levels: topologicalLevels(deps),
    cluster: {
      name: spec.cluster.name ?? spec.name,
      storage: spec.cluster.storage,
      agents: spec.cluster.agents,
      storageClass: STORAGE_CLASS,
    },
  };
}

function planExternal(
  name: string,
  spec: ServiceSpec,
  value: (variable: string) => string | undefined,
): ExternalResource {
  const variables = spec.variables ?? [];
  return {
    sort: "external",
    name,
    after: [],
    variables,
    check: spec.check,
    secretName: secretName(name),
    values: Object.fromEntries(variables.map((v) => [v, value(v)])),
    spec,
  };
}

function planService(
  name: string,
  spec: ServiceSpec,
  stack: string,
  secrets: SecretSource,
): ServiceResource {
  const kind = kindOf(spec.kind ?? name);
  const profile = kind.profile(spec, stack, name);
  const key = passwordEnv(name);
  return {
    sort: "service",
    name,
    after: [],
    chart: spec.chart && {
      chart: spec.chart.chart,
      repo: spec.chart.repo,
      version: spec.chart.version,
      values: spec.chart.values,
      set: spec.chart.set,
    },
    clusterHost: spec.chart?.service ?? name,
    kind: kind.name,
    profile,
    persistent: spec.persistent,
    storage: spec.storage,
    forward: spec.forward === false ? undefined : (spec.forward ?? kind.port),
    extraForwards:
      spec.forward === false
        ? []
        : profile.ports.flatMap((p) =>
            p.hostPort === undefined ? [] : [{ host: p.hostPort, container: p.port }],
          ),
    secretName: secretName(name),
    passwordEnv: key,
    password: secrets.get(key),
    extraEnv: spec.env,
    resources: withDefaults(spec.resources, profile.resources),
    spec,
  };
}

function planJob(
  name: string,
  job: JobSpec,
  app: readonly [string, AppSpec] | undefined,
  services: ReadonlyMap<string, Dependency>,
): JobResource {
  const command = toArgv(job.command);
  return {
    sort: "job",
    name,
    after: unique([...job.uses, ...job.after]),
    image: job.image ? { image: job.image, build: undefined } : imageOf(app![0], app![1]),
    command,
    localCommand: job.local?.command ? toArgv(job.local.command) : command,
    localDir: job.local?.dir ?? ".",
    dev: job.dev,
    timeout: job.timeout,
    uses: job.uses,
    env: wireEnv(job.uses, job.env, services),
    resources: withDefaults(job.resources, JOB_RESOURCES),
    schema: migratedSchema(job, services),
    spec: job,
  };
}

/**
 * The database a job migrates: by default the first postgres service a job that is not dev uses
 * (a migration), unless its `schema` is false.
 */
function migratedSchema(
  job: JobSpec,
  services: ReadonlyMap<string, Dependency>,
): JobResource["schema"] {
  if (job.schema === false || (job.dev && !job.schema)) return undefined;
  const service = job.uses.find((u) => {
    const used = services.get(u);
    return used?.sort === "service" && used.kind === "postgres";
  });
  if (!service) return undefined;
  return { service, tables: job.schema?.table ? [job.schema.table] : [...MIGRATION_TABLES] };
}

/** What an app waits for beyond its services answering: the schema its jobs migrate. */
function schemaWaits(
  uses: readonly string[],
  jobs: readonly JobResource[],
): AppResource["schemaWaits"] {
  return uses.flatMap((service) => {
    const tables = unique(
      jobs.flatMap((j) => (j.schema?.service === service ? j.schema.tables : [])),
    );
    return tables.length ? [{ service, tables }] : [];
  });
}

function planApp(
  name: string,
  app: AppSpec,
  jobs: string[],
  services: ReadonlyMap<string, Dependency>,
  migrations: readonly JobResource[],
): AppResource {
  const command = app.command ? toArgv(app.command) : undefined;
  const chart =
    app.chart === undefined
      ? undefined
      : typeof app.chart === "string"
        ? { path: app.chart, values: [], set: {} }
        : app.chart;
  return {
    sort: "app",
    name,
    after: unique([...app.uses, ...app.after, ...jobs]),
    image: imageOf(name, app),
    port: app.port,
    command,
    localCommand: app.local?.command ? toArgv(app.local.command) : command,
    localDir: app.local?.dir ?? ".",
    readiness: app.readiness ?? (app.port ? "/healthz" : undefined),
    replicas: app.replicas,
    forward: app.forward === false ? undefined : (app.forward ?? app.port),
    chart,
    uses: app.uses,
    env: wireEnv(app.uses, app.env, services),
    resources: withDefaults(app.resources, APP_RESOURCES),
    schemaWaits: schemaWaits(app.uses, migrations),
    spec: app,
  };
}

/**
 * The jobs an app waits for: every job, except those that (transitively) wait for the app
 * themselves, such as a smoke test; waiting on those would be a cycle.
 */
function jobsBefore(
  app: string,
  jobs: string[],
  deps: ReadonlyMap<string, readonly string[]>,
): string[] {
  const reaches = (from: string, seen = new Set<string>()): boolean => {
    if (from === app) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (deps.get(from) ?? []).some((d) => reaches(d, seen));
  };
  return jobs.filter((job) => !reaches(job));
}

function imageOf(name: string, app: AppSpec): ImageSource {
  const build =
    app.build === undefined
      ? undefined
      : typeof app.build === "string"
        ? { context: app.build }
        : app.build;
  return {
    image: app.image ?? name,
    build: build && { context: build.context, dockerfile: build.dockerfile, target: build.target },
  };
}

/** A string command runs through a shell, as it would in a Dockerfile's shell form. */
export function toArgv(command: Command): string[] {
  return typeof command === "string" ? ["sh", "-c", command] : command;
}

function withDefaults(
  given: ResourcesSpec | undefined,
  defaults: Required<ResourcesSpec>,
): Required<ResourcesSpec> {
  return {
    cpu: given?.cpu ?? defaults.cpu,
    memory: given?.memory ?? defaults.memory,
    memoryLimit: given?.memoryLimit ?? defaults.memoryLimit,
  };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
