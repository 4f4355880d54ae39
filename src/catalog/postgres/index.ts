import { majorOf, type DependencyKind } from "../kind.js";
import { postgresLocal } from "./local.js";
import { schemaWaitScript } from "./schema.js";

const PORT = 5432;

/** PostgreSQL, the official `postgres` image. */
export const postgres: DependencyKind = {
  name: "postgres",
  description: "PostgreSQL (official image postgres)",
  options: ["database", "user"],
  port: PORT,
  local: postgresLocal,
  profile(service, stack) {
    const version = service.version ?? "18.1";
    const major = majorOf(version);
    const user = service.user ?? stack;
    const database = service.database ?? stack;
    // 18 keeps PGDATA under /var/lib/postgresql/18/docker and refuses a volume at .../data;
    // up to 17 a volume root at .../data needs PGDATA one level down (lost+found on real disks).
    const modern = major === undefined || major >= 18;
    const ready = ["pg_isready", "-h", "127.0.0.1", "-p", String(PORT), "-U", user, "-d", database];
    return {
      image: `${service.image ?? "postgres"}:${version}`,
      version,
      major,
      ports: [{ name: "postgres", port: PORT }],
      component: "database",
      env: [
        { name: "POSTGRES_USER", value: user },
        { name: "POSTGRES_DB", value: database },
        { name: "POSTGRES_PASSWORD", password: true },
        ...(modern ? [] : [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }]),
      ],
      args: [],
      dataPath: modern ? "/var/lib/postgresql" : "/var/lib/postgresql/data",
      // -h 127.0.0.1: the entrypoint's first-start server listens on the socket only.
      readiness: { exec: ready, timeoutSeconds: 5, periodSeconds: 5, initialDelaySeconds: 5 },
      liveness: {
        exec: ready,
        timeoutSeconds: 5,
        periodSeconds: 20,
        initialDelaySeconds: 30,
        failureThreshold: 6,
      },
      resources: { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" },
      user,
      database,
      urlEnv: "DATABASE_URL",
      url: ({ host, port }, password) =>
        `postgresql://${user}:${password}@${host}:${port}/${database}`,
      schemaWaitScript: (host, port, tables) =>
        schemaWaitScript(host, port, user, database, tables),
      waitScript: (host, port) =>
        `until pg_isready -h ${host} -p ${port} -U ${user} -d ${database}; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
