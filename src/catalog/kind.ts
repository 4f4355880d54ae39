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
  component: "database" | "cache" | "broker";
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
  profile(service: ServiceSpec, stack: string): ServiceProfile;
  /** How the local target runs it. */
  readonly local: LocalRecipe;
}

/** `17.7` → 17; `latest` or a name → undefined. */
export function majorOf(version: string): number | undefined {
  const match = /^(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** What a local recipe is given: the service as this machine runs it. */
export interface LocalContext {
  name: string;
  stack: string;
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

/**
 * Real server builds published as npm packages, one per platform, which the local target fetches
 * by version into its cache so that it runs the version the image runs.
 */
export interface NpmDistribution {
  /** The package for this platform, or undefined where none is published. */
  packageFor(platform: NodeJS.Platform, arch: string): string | undefined;
  /** The server's version in a package version (`18.1.0-beta.16` → `18.1.0`). */
  serverVersion(packageVersion: string): string;
  /** Where the executables are inside the unpacked package. */
  readonly binDir: string;
  /** What the package's install script does, which npm 11 does not run; given the package's root. */
  hydrate(root: string): Promise<void>;
}

/** How to run a kind as a plain process on this machine: the `local` target's half of the catalog. */
export interface LocalRecipe {
  /** Debian/Ubuntu package that provides the server. */
  readonly package: string;
  /** Builds of the image's version from npm, tried before the system's server. */
  readonly distribution?: NpmDistribution;
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
