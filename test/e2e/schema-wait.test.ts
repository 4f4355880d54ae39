import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parity } from "../helpers/cli.js";
import { runHelm } from "../helpers/helm.js";
import { prepareStack } from "../helpers/stack.js";

type Container = { name: string; command: string[]; env: Array<{ name: string; value?: string }> };

const MYAPP = join(import.meta.dirname, "..", "..", "examples", "myapp");

/**
 * The initContainers that make an app wait for its schema, run as they are (sh, the real psql)
 * against a real PostgreSQL that parity's local target started: the Service name and port
 * pointed at it, the password in the env the Secret would fill.
 */
describe(
  "the schema wait of the app's pods, run against a real PostgreSQL",
  { timeout: 120_000 },
  () => {
    const ports = { postgres: 21832, redis: 21779, rabbitmq: 11072, app: 21480 };
    const dir = prepareStack(ports, { withoutRabbitmq: true });
    let password: string;
    let client: pg.Client;

    beforeAll(async () => {
      const up = parity(["up", "--detach", "postgres"], dir);
      expect(up.code, up.stderr).toBe(0);
      password = /^POSTGRES_PASSWORD=(.*)$/m.exec(
        readFileSync(join(dir, ".parity/secrets.env"), "utf8"),
      )![1]!;
      client = new pg.Client({
        host: "127.0.0.1",
        port: ports.postgres,
        user: "shop",
        password,
        database: "shop",
      });
      await client.connect();
    });
    afterAll(async () => {
      await client?.end();
      parity(["down", "--volumes"], dir);
    });

    /** Runs a wait container's script for at most `seconds`: 0 once it let the pod go, 124 while it waits. */
    function runWait(container: Container, env: Record<string, string>, seconds: number) {
      const script = container.command[2]!.replaceAll("-h postgres", "-h 127.0.0.1").replaceAll(
        "-p 5432",
        `-p ${ports.postgres}`,
      );
      return spawnSync("timeout", [String(seconds), "sh", "-c", script], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", ...env },
      });
    }

    function renderedWait(): Container {
      expect(parity(["render"], dir).code).toBe(0);
      const docs = parseAllDocuments(readFileSync(join(dir, "k8s/shop.yaml"), "utf8")).map((d) =>
        d.toJS(),
      );
      const deployment = docs.find((d) => d.kind === "Deployment");
      return (deployment.spec.template.spec.initContainers as Container[]).find(
        (c) => c.name === "wait-for-postgres",
      )!;
    }

    it("renders the app's wait with the credentials and the common migration tools' tables", () => {
      const wait = renderedWait();
      expect(wait.env.map((e) => e.name)).toEqual(["PASSWORD", "PGPASSWORD"]);
      expect(wait.env[1]!.value).toBe("$(PASSWORD)");
      expect(wait.command[2]).toContain(
        "for t in pgmigrations schema_migrations flyway_schema_history ",
      );
      expect(wait.command[2]).toContain('-XtAc "select 1 from $t limit 1"');
    });

    it("holds the pod while no migration is recorded, and with a wrong password; lets it go once one is", async () => {
      const wait = renderedWait();
      await client.query("drop table if exists schema_migrations");
      const before = runWait(wait, { PASSWORD: password, PGPASSWORD: password }, 4);
      expect(before.status).toBe(124);
      expect(before.stdout).toContain("waiting for the schema in postgres");

      await client.query(
        "create table schema_migrations (version bigint primary key, dirty boolean not null)",
      );
      await client.query("insert into schema_migrations values (1, false)");
      const wrong = runWait(wait, { PASSWORD: "wrong", PGPASSWORD: "wrong" }, 4);
      expect(wrong.status).toBe(124);

      const after = runWait(wait, { PASSWORD: password, PGPASSWORD: password }, 20);
      expect(after.status, after.stdout + after.stderr).toBe(0);
    });

    it("does the same in examples/myapp's chart, with node-pg-migrate's table", async () => {
      const chart = runHelm(
        ["template", "myapp", "charts/myapp", "--values", "charts/myapp/dev-values.yaml"],
        MYAPP,
      );
      expect(chart.status, chart.stderr).toBe(0);
      const deployments = parseAllDocuments(chart.stdout)
        .map((d) => d.toJS())
        .filter((d) => d?.kind === "Deployment");
      expect(deployments.map((d) => d.metadata.name)).toEqual(["myapp", "myapp-worker"]);
      for (const d of deployments) {
        const waits = d.spec.template.spec.initContainers as Container[];
        expect(waits.map((c) => c.name)).toEqual(["wait-for-schema"]);
      }
      const wait = (deployments[0].spec.template.spec.initContainers as Container[])[0]!;
      // The chart's values name the stack's user and database; point them at this server's.
      wait.command[2] = wait.command[2]!.replace("-U myapp -d myapp", "-U shop -d shop");
      await client.query("drop table if exists pgmigrations");
      expect(runWait(wait, { PGPASSWORD: password }, 4).status).toBe(124);
      await client.query(
        "create table pgmigrations (id serial primary key, name text not null, run_on timestamp not null)",
      );
      await client.query(
        "insert into pgmigrations (name, run_on) values ('1732406400000_orders', now())",
      );
      expect(runWait(wait, { PGPASSWORD: password }, 20).status).toBe(0);
    });
  },
);
