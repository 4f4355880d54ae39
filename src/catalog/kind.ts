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
}

/** Everything about one service that follows from its kind and options, before any target. */
export interface ServiceProfile {
  image: string;
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
}

/** A dependency kind of the catalog: one module each. Its spec rules are part of it. */
export interface DependencyKind extends KindRule {
  readonly name: string;
  readonly description: string;
  profile(service: ServiceSpec, stack: string): ServiceProfile;
}

/** `17.7` → 17; `latest` or a name → undefined. */
export function majorOf(version: string): number | undefined {
  const match = /^(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}
