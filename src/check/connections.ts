/**
 * How an app's environment names the databases, caches and brokers it connects to: connection
 * URLs, `host[:port]` values, and the env names that hold addresses. Shared by the rules that
 * relate an app to its dependencies, so that they agree on what a connection is.
 */
import type { DependencyKind } from "./workloads.js";

/** The kinds that are a database, cache or broker (an app fails without them at start). */
export const BACKING_KINDS: ReadonlySet<DependencyKind> = new Set([
  "postgres",
  "redis",
  "valkey",
  "rabbitmq",
  "mysql",
  "mariadb",
  "mongo",
  "kafka",
]);

/** Default ports, each the kind that listens on it. */
export const PORTS: ReadonlyMap<number, DependencyKind> = new Map([
  [5432, "postgres"],
  [6379, "redis"],
  [5672, "rabbitmq"],
  [27017, "mongo"],
  [3306, "mysql"],
  [9092, "kafka"],
]);

const SCHEMES: Record<string, DependencyKind> = {
  postgres: "postgres",
  postgresql: "postgres",
  redis: "redis",
  rediss: "redis",
  valkey: "valkey",
  amqp: "rabbitmq",
  amqps: "rabbitmq",
  mongodb: "mongo",
  "mongodb+srv": "mongo",
  mysql: "mysql",
  mariadb: "mariadb",
  kafka: "kafka",
};

/** An env name that holds an address, not a database name or a user (`POSTGRES_DB=postgres`). */
export const ADDRESS_NAME =
  /(?:^|_)(?:HOST|HOSTNAME|ADDR|ADDRESS|URL|URI|DSN|SERVERS?|BROKERS?|BOOTSTRAP_SERVERS|ENDPOINT|NODES)$|^PGHOST$/;

/** The dependency a URL scheme names (`postgres`, `postgresql`, `amqp`, `rediss`, …). */
export function schemeKind(scheme: string | undefined): DependencyKind | undefined {
  return scheme !== undefined && Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme] : undefined;
}

/** An env name that holds a dependency's address: DATABASE_URL, REDIS_HOST, AMQP_URL, PGHOST… */
export const CONNECTION_NAME =
  /^(?:[A-Z0-9]+_)*(?:DATABASE|DB|POSTGRES(?:QL)?|PG|REDIS|CACHE|VALKEY|AMQP|RABBITMQ|RABBIT|BROKER|MONGO(?:DB)?|MYSQL|MARIADB|KAFKA)(?:_[A-Z0-9]+)*_(?:URL|URI|DSN|HOST|HOSTNAME|ADDR|ADDRESS|SERVERS|BROKERS)$|^PGHOST$/;

/** One host in a value, with its position in the value. */
export interface Endpoint {
  host: string;
  /** Offsets of the host in the value. */
  start: number;
  end: number;
  port?: number;
  /** `postgres` for `postgres://`, `postgresql+asyncpg://`, `jdbc:postgresql://`. */
  scheme?: string;
  /** The dependency the scheme names, else the one whose default port it is. */
  kind?: DependencyKind;
}

const URL = /^\s*(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\/([^/?#\s]*)/i;
const HOST_PORT = /^\s*(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::(\d{1,5}))?\s*$/i;

/**
 * The hosts a value connects to: those of a URL's authority (`mongodb://a:27017,b:27017`), or of
 * a `host[:port][,host[:port]…]` list. Nothing for other text.
 */
export function endpoints(value: string): Endpoint[] {
  const url = URL.exec(value);
  // `postgresql+asyncpg` (SQLAlchemy drivers) is postgresql.
  const scheme = url?.[1]!.toLowerCase().replace(/\+(?!srv$).*$/, "");
  const hostsAt = url ? url.index + url[0].length - url[2]!.length : 0;
  // The authority's hosts follow its user information (`user:pass@`), if any.
  const userinfo = url ? url[2]!.lastIndexOf("@") + 1 : 0;
  const list = url ? url[2]!.slice(userinfo) : value;
  const out: Endpoint[] = [];
  let offset = url ? hostsAt + userinfo : 0;
  for (const part of list.split(",")) {
    const m = HOST_PORT.exec(part);
    if (m && !/^\d+$/.test(m[1]!)) {
      const start = offset + part.indexOf(m[1]!);
      const port = m[2] ? Number(m[2]) : undefined;
      const kind = schemeKind(scheme) ?? (port === undefined ? undefined : PORTS.get(port));
      out.push({ host: m[1]!, start, end: start + m[1]!.length, port, scheme, kind });
    } else if (!url) return []; // not a host list: prose, a path, a number
    offset += part.length + 1;
  }
  return out;
}

/** Whether a host is the machine (or pod) itself. */
export function isLoopback(host: string): boolean {
  return /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i.test(host);
}
