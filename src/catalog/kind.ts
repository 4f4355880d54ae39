import type { KindRule } from "../spec/kinds.js";
import type { ServiceSpec } from "../spec/schema.js";

/** A health check, independent of where it runs (a Kubernetes probe, or the local target's poller). */
export type Check =
  | {
      exec: string[];
      timeoutSeconds: number;
      periodSeconds: number;
      initialDelaySeconds?: number;
      failureThreshold?: number;
    }
  | {
      tcpPort: number;
      timeoutSeconds: number;
      periodSeconds: number;
      initialDelaySeconds?: number;
      failureThreshold?: number;
    };

/** An environment variable of the server container: a plain value, or the service's password. */
export type ServerEnv = { name: string; value: string } | { name: string; password: true };

export interface NamedPort {
  name: string;
  port: number;
  /** For a port beside the main one: the host port it is forwarded to, when it is. */
  hostPort?: number;
}

/** Everything about one service that follows from its kind and options, before any target. */
export interface ServiceProfile {
  image: string;
  /** The image's tag: the version the spec asks for (`18.1`). */
  version: string;
  /** Major version as a number when the tag starts with one (`17.7` → 17). */
  major: number | undefined;
  /** The main port first. */
  ports: NamedPort[];
  component: "database" | "cache" | "broker" | "storage" | "emulator";
  env: ServerEnv[];
  args: string[];
  /** Where the data volume is mounted. */
  dataPath: string;
  readiness: Check;
  liveness: Check;
  resources: { cpu: string; memory: string; memoryLimit: string };
  /** User and database (or vhost) a client logs in with; the password comes from the plan. */
  user: string | undefined;
  database: string | undefined;
  /** Default name of the connection URL variable (`DATABASE_URL`). */
  urlEnv: string;
  /** The connection URL; `password` is inserted as given, so pass it already encoded. */
  url(endpoint: { host: string; port: number }, password: string): string;
  /**
   * Variables a client needs beside the URL, under the ecosystem's standard names
   * (`AWS_ACCESS_KEY_ID`, `KAFKA_SASL_USERNAME`); the password is inserted as given.
   */
  clientEnv?(endpoint: { host: string; port: number }, password: string): Record<string, string>;
  /**
   * Client variables this service leaves to another service the consumer also uses, which sets
   * them too: an emulator that accepts any credentials takes the real server's.
   */
  yields?: readonly string[];
  /** The container port a host forward reaches, when not the main port (Kafka's host listener). */
  forwardTo?: number;
  /** Pod spec fields the server needs (Kafka: its own Service name resolving to itself). */
  pod?: Record<string, unknown>;
  /**
   * A shell command run in the server's image before it starts, with the data volume mounted
   * (S3 buckets made as directories); an initContainer in the cluster.
   */
  setupScript?: string;
  /**
   * A shell command, runnable in the kind's own image, that exits 0 once the service at host:port
   * answers; used by the initContainers that make dependents wait. The password is in `$PASSWORD`.
   */
  waitScript(host: string, port: number): string;
  /**
   * For a database: the same, until the database accepts the credentials ($PGPASSWORD) AND one of
   * `tables` shows that migrations were applied; what an app waits for.
   */
  schemaWaitScript?(host: string, port: number, tables: readonly string[]): string;
}

/** A dependency kind of the catalog: one module each. Its spec rules are part of it. */
export interface DependencyKind extends KindRule {
  readonly name: string;
  readonly description: string;
  /** `name` is the service's: its Service name in the cluster. */
  profile(service: ServiceSpec, stack: string, name: string): ServiceProfile;
  /** How the local target runs it. */
  readonly local: LocalRecipe;
}

/** `17.7` → 17; `latest` or a name → undefined. */
export function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** What a local recipe is given: the service as this machine runs it. */
export interface LocalContext {
  name: string;
  stack: string;
  /** The service's spec: the resources it names (topics, buckets, queues). */
  spec: ServiceSpec;
  /** Host port of the main port (the spec's forward, or the kind's port). */
  port: number;
  /** Host ports of extra ports by name (rabbitmq `management`, `dist`, `epmd`), from `extraPorts`. */
  ports: Record<string, number>;
  password: string;
  user: string | undefined;
  database: string | undefined;
  persistent: boolean;
  /** Private, persistent data directory (like a PVC). */
  dataDir: string;
  /** Private directory for config files, recreated on each start. */
  runDir: string;
  /** Private directory with a short path, for unix sockets (their paths are limited to ~100 bytes). */
  socketDir: string;
  /** Resolved executables by name. */
  bin: Record<string, string>;
}

/** A process to run: an executable named in `binaries`, arguments and extra environment. */
export interface LocalProcess {
  bin: string;
  args: string[];
  env?: Record<string, string>;
}

/** A file the recipe needs before it starts (configuration with secrets: mode 0600). */
export interface LocalFile {
  path: string;
  content: string;
}

/** What every source of server builds says about its builds. */
interface BuildSource {
  /** The server's version in a published version (`18.1.0-beta.16` → `18.1.0`). */
  serverVersion(published: string): string;
  /** Where the executables are inside the fetched build. */
  readonly binDir: string;
  /** A version of its own, when the build is not the image's software (moto for LocalStack). */
  readonly pinned?: string;
  /** What the user needs for the fetch, for the hint when it fails (`Java 17 and Maven`). */
  readonly needs?: string;
}

/**
 * Real server builds published as npm packages, one per platform, which the local target fetches
 * by version into its cache so that it runs the version the image runs.
 */
export interface NpmDistribution extends BuildSource {
  readonly from: "npm";
  /** The package for this platform, or undefined where none is published. */
  packageFor(platform: NodeJS.Platform, arch: string): string | undefined;
  /** What the package's install script does, which npm 11 does not run; given the package's root. */
  hydrate(root: string): Promise<void>;
}

/** A JVM server from Maven Central: its artifact and runtime dependencies, and a launcher for them. */
export interface MavenDistribution extends BuildSource {
  readonly from: "maven";
  /** `group:artifact` whose published versions are the server's. */
  readonly artifact: string;
  /** What goes on the class path for a version: `group:artifact:version`, with exclusions. */
  dependencies(version: string): Array<{ coordinates: string; exclude?: string[] }>;
  /** The executable written into `binDir`: `<name> <main class> [args]` runs java on the jars. */
  readonly launcher: string;
}

/** A Go server built with the user's Go toolchain from its module, as its release builds are. */
export interface GoDistribution extends BuildSource {
  readonly from: "go";
  readonly module: string;
  /** The main package inside the module. */
  readonly package: string;
  /** Linker flags of the project's release build (the version it reports). */
  ldflags(version: string): string;
}

/** A Python server from PyPI, installed with the user's pip into a directory of its own. */
export interface PypiDistribution extends BuildSource {
  readonly from: "pypi";
  readonly project: string;
  /** The requirement for a version, extras included: `moto[server]==5.2.6`. */
  requirement(version: string): string;
  /** Executables written into `binDir`, by name: the module each one runs (`python -m`). */
  readonly scripts: Readonly<Record<string, string>>;
}

/** Where the local target gets a build of the image's own version, through the user's tools. */
export type ServerDistribution =
  NpmDistribution | MavenDistribution | GoDistribution | PypiDistribution;

/** How to run a kind as a plain process on this machine: the `local` target's half of the catalog. */
export interface LocalRecipe {
  /** Debian/Ubuntu package that provides the server, where Debian has it. */
  readonly package?: string;
  /** When another program stands in for the image's on this machine: what differs, said at `up`. */
  readonly substitute?: string;
  /** Builds of the image's version, tried before the system's server. */
  readonly distribution?: ServerDistribution;
  /** Executables needed; each is looked up in `searchDirs`, then the `locator`'s directory, then on PATH. */
  readonly binaries: readonly string[];
  /** Directories to search first, newest first; `*` matches one path segment (versions). */
  searchDirs(major: number | undefined): string[];
  /** A command on PATH that prints the directory of the binaries (`pg_config --bindir`), searched next. */
  readonly locator?: { bin: string; args: string[] };
  /**
   * How to read the server's version without starting it: the output of an executable, or the
   * resolved path of one (`.../rabbitmq_server-3.10.8/...`); group 1 of `pattern` is the version.
   */
  readonly versionProbe: { bin: string; args?: string[]; pattern: RegExp };
  /** Servers that refuse to run as root (postgres) run as an unprivileged user. */
  readonly unprivileged: boolean;
  /** Extra host ports by name, allocated from the main port when not forwarded explicitly. */
  extraPorts(service: ServiceSpec, port: number): Record<string, number>;
  /** Files written into runDir (or dataDir) before init and start. */
  files(ctx: LocalContext): LocalFile[];
  /** First start only: initialisation commands, run in order. */
  init(ctx: LocalContext): LocalProcess[];
  /** The major version that made an existing data directory, when only that major opens it. */
  dataVersion?(dataDir: string): string | undefined;
  /** A file in the data directory that exists once `init` has completed (else init runs again, on an emptied directory). */
  readonly initializedMarker?: string;
  /** The long-running server. */
  server(ctx: LocalContext): LocalProcess;
  /** One readiness attempt: a real login with the generated credentials; rejects when not ready. */
  ready(ctx: LocalContext): Promise<void>;
  /** For a database: one attempt to find applied migrations in `tables`; rejects with why not. */
  schemaReady?(ctx: LocalContext, tables: readonly string[]): Promise<void>;
  /** The signal for a clean, fast shutdown. */
  readonly stopSignal: NodeJS.Signals;
  /**
   * Processes the server starts outside its own process group that outlive it (RabbitMQ's epmd
   * daemon), found after a stop by the port they listen on and the command they run.
   */
  strays(ctx: LocalContext): Array<{ port: number; command: RegExp }>;
}
