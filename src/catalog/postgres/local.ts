import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalRecipe } from "../kind.js";
import { postgresDistribution } from "./distribution.js";
import { schemaQuery } from "./schema.js";

/** PostgreSQL as a process: initdb once with scram auth, then `postgres` on 127.0.0.1. */
export const postgresLocal: LocalRecipe = {
  package: "postgresql",
  distribution: postgresDistribution,
  binaries: ["initdb", "postgres"],
  // Debian keeps one directory per major version: the spec's major first, then the newest.
  searchDirs: (major) => [
    ...(major ? [`/usr/lib/postgresql/${major}/bin`] : []),
    "/usr/lib/postgresql/*/bin",
    "/usr/local/pgsql/bin",
  ],
  locator: { bin: "pg_config", args: ["--bindir"] },
  versionProbe: { bin: "postgres", args: ["--version"], pattern: /\(PostgreSQL\) (\d+(?:\.\d+)*)/ },
  unprivileged: true,
  extraPorts: () => ({}),
  files: (ctx) => [{ path: join(ctx.runDir, "pwfile"), content: `${ctx.password}\n` }],
  initializedMarker: "PG_VERSION",
  // A data directory opens only in the major that made it (pg_upgrade aside).
  dataVersion(dataDir) {
    try {
      return readFileSync(join(dataDir, "PG_VERSION"), "utf8").trim();
    } catch {
      return undefined;
    }
  },
  init: (ctx) => [
    {
      bin: "initdb",
      args: [
        "--pgdata",
        ctx.dataDir,
        "--username",
        ctx.user!,
        "--pwfile",
        join(ctx.runDir, "pwfile"),
        "--auth-host=scram-sha-256",
        "--auth-local=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
      ],
    },
  ],
  server: (ctx) => ({
    bin: "postgres",
    args: [
      "-D",
      ctx.dataDir,
      "-p",
      String(ctx.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${ctx.socketDir}`,
    ],
  }),
  async ready(ctx) {
    const { default: pg } = await import("pg");
    const connect = async (database: string) => {
      const client = new pg.Client({
        host: "127.0.0.1",
        port: ctx.port,
        user: ctx.user,
        password: ctx.password,
        database,
        connectionTimeoutMillis: 2000,
      });
      client.on("error", () => {}); // a server shutting down mid-probe is a failed probe, not a crash
      await client.connect();
      return client;
    };
    let client;
    try {
      client = await connect(ctx.database!);
    } catch (error) {
      // Like the image's POSTGRES_DB: the database is created on first start.
      if ((error as { code?: string }).code !== "3D000") throw error;
      const admin = await connect("postgres");
      try {
        await admin.query(`CREATE DATABASE "${ctx.database!.replace(/"/g, '""')}"`);
      } finally {
        await admin.end();
      }
      client = await connect(ctx.database!);
    }
    try {
      await client.query("select 1");
    } finally {
      await client.end();
    }
  },
  async schemaReady(ctx, tables) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({
      host: "127.0.0.1",
      port: ctx.port,
      user: ctx.user,
      password: ctx.password,
      database: ctx.database,
      connectionTimeoutMillis: 2000,
    });
    client.on("error", () => {});
    await client.connect();
    try {
      for (const table of tables) {
        const found = await client.query(schemaQuery(table)).then(
          (r) => r.rowCount! > 0,
          () => false,
        );
        if (found) return;
      }
      throw new Error(`no applied migration in ${tables.join(", ")}`);
    } finally {
      await client.end();
    }
  },
  stopSignal: "SIGINT", // "fast" shutdown: rolls back clients, checkpoints, exits
  strays: () => [],
};
