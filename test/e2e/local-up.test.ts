import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parity } from "../helpers/cli.js";
import { pythonClient } from "../helpers/python.js";
import {
  alive,
  getJson,
  prepareStack,
  recordedProcesses,
  stackSecrets,
  waitFor,
} from "../helpers/stack.js";

/**
 * The whole chain on real servers: PostgreSQL, Redis and RabbitMQ as host processes, migrate and
 * seed jobs, and an app that reads and writes all three.
 */
describe("parity up on the local target, end to end", { timeout: 180_000 }, () => {
  const ports = { postgres: 21432, redis: 21379, rabbitmq: 10672, app: 21080 };
  const dir = prepareStack(ports, { management: 10673 });
  const app = `http://127.0.0.1:${ports.app}`;
  const secrets = () => stackSecrets(dir);

  afterAll(() => {
    parity(["down", "--volumes"], dir);
  });

  it("brings the stack up in order and leaves it running with --detach", () => {
    const up = parity(["up", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    const order = up.stderr
      .split("\n")
      .map((l) => /^\s*[\d.]+s\s+(\S+)\s+(starting|ready|exited 0)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    // The three services start together, before any of them is ready.
    expect(order.slice(0, 3).sort()).toEqual([
      "postgres starting",
      "rabbitmq starting",
      "redis starting",
    ]);
    const at = (entry: string) => order.indexOf(entry);
    expect(at("postgres ready")).toBeLessThan(at("migrate starting"));
    expect(at("migrate exited 0")).toBeLessThan(at("seed starting"));
    expect(at("seed exited 0")).toBeLessThan(at("shop starting"));
    expect(at("rabbitmq ready")).toBeLessThan(at("shop starting"));
    expect(at("redis ready")).toBeLessThan(at("shop starting"));
    expect(up.stderr).toContain(`shop             http://127.0.0.1:${ports.app}/`);
    for (const secret of secrets()) expect(up.stdout + up.stderr).not.toContain(secret);
  });

  it("has the app listen on loopback only, where parity's HOST puts it", () => {
    // Listening sockets (state 0A) on the app's port, from the kernel's tables: address:port hex.
    const port = ports.app.toString(16).toUpperCase().padStart(4, "0");
    const listening = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) =>
      readFileSync(table, "utf8")
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(`:${port}`) && f[3] === "0A")
        .map((f) => f[1]!.split(":")[0]!),
    );
    // 127.0.0.1 as the kernel writes it (little-endian); not 00000000 (every interface).
    expect(listening).toEqual(["0100007F"]);
  });

  it("serves an app that reads and writes Postgres, Redis and RabbitMQ", async () => {
    expect((await getJson(`${app}/items?name=first`, "POST")).status).toBe(201);
    const { status, body } = await getJson(`${app}/items`);
    expect(status).toBe(200);
    expect(body).toEqual({ names: ["seeded", "first"], created: 1, queued: 1 });
  });

  it("reports every resource ready in status --json, without secrets", () => {
    const status = parity(["status", "--json"], dir);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as {
      resources: Array<{ name: string; state: string; pid?: number }>;
    };
    expect(Object.fromEntries(report.resources.map((r) => [r.name, r.state]))).toEqual({
      postgres: "ready",
      redis: "ready",
      rabbitmq: "ready",
      migrate: "exited",
      seed: "exited",
      shop: "ready",
    });
    for (const secret of secrets()) expect(status.stdout).not.toContain(secret);
    for (const secret of secrets()) {
      for (const log of ["postgres", "redis", "rabbitmq", "migrate", "seed", "shop"]) {
        expect(readFileSync(join(dir, ".parity/logs", `${log}.log`), "utf8")).not.toContain(secret);
      }
    }
  });

  it("starts nothing when everything already runs", () => {
    const before = recordedProcesses(dir);
    const again = parity(["up", "--detach"], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/\bstarting\b/);
    expect(again.stderr).toMatch(/postgres\s+already running/);
    expect(again.stderr).toMatch(/migrate\s+done earlier/);
    expect(recordedProcesses(dir)).toEqual(before);
  });

  it("gives the app's environment to an IDE, passwords masked unless asked", () => {
    const masked = parity(["env"], dir);
    expect(masked.stdout).toContain(
      `DATABASE_URL=postgresql://shop:***@127.0.0.1:${ports.postgres}/shop`,
    );
    for (const secret of secrets()) expect(masked.stdout).not.toContain(secret);
    const shell = parity(["env", "--format", "shell", "--show-secrets"], dir);
    expect(shell.stdout).toMatch(/export REDIS_URL='redis:\/\/default:[^@']+@127\.0\.0\.1:\d+\/0'/);
    expect(secrets().some((s) => shell.stdout.includes(s))).toBe(true);
  });

  it("runs the image's PostgreSQL version, reports it, and hands out URLs psql and redis-cli take as they are", () => {
    const report = JSON.parse(parity(["status", "--json"], dir).stdout) as {
      resources: Array<{ name: string; image?: string; version?: string }>;
    };
    const postgres = report.resources.find((r) => r.name === "postgres")!;
    const major = postgres.image!.split(":")[1]!.split(".")[0]!;
    expect(postgres.version?.split(".")[0]).toBe(major);

    const env = Object.fromEntries(
      [
        ...parity(["env", "--format", "shell", "--show-secrets"], dir).stdout.matchAll(
          /^export (\w+)='([^']*)'$/gm,
        ),
      ].map((m) => [m[1]!, m[2]!]),
    );
    const psql = spawnSync("psql", [env.DATABASE_URL!, "-At", "-c", "show server_version"], {
      encoding: "utf8",
    });
    expect(psql.stdout.trim(), psql.stderr).toBe(postgres.version);
    const redis = spawnSync("redis-cli", ["-u", env.REDIS_URL!, "ping"], { encoding: "utf8" });
    expect(redis.stdout.trim(), redis.stderr).toBe("PONG");
  });

  it("hands out URLs the main Python drivers and RabbitMQ's management API take as they are", async () => {
    const python = inject("python");
    if (!python.ok) throw new Error(`the Python clients are not installed: ${python.reason}`);
    const env = JSON.parse(
      parity(["env", "--format", "json", "--show-secrets"], dir).stdout,
    ) as Record<string, string>;
    const version = pythonClient(python.site, ["postgres"], env) as { version: string };
    expect(version.version.split(".")[0]).toBe(
      (
        JSON.parse(parity(["status", "--json"], dir).stdout) as {
          resources: Array<{ name: string; version?: string }>;
        }
      ).resources
        .find((r) => r.name === "postgres")!
        .version!.split(".")[0],
    );
    expect(pythonClient(python.site, ["redis"], env)).toEqual({ ping: true });
    expect(pythonClient(python.site, ["rabbitmq"], env)).toEqual({ body: "from pika" });
    const amqp = new URL(env.AMQP_URL!);
    const whoami = await fetch("http://127.0.0.1:10673/api/whoami", {
      headers: {
        authorization: `Basic ${Buffer.from(`${decodeURIComponent(amqp.username)}:${decodeURIComponent(amqp.password)}`).toString("base64")}`,
      },
    });
    expect(whoami.status).toBe(200);
    expect(((await whoami.json()) as { name: string }).name).toBe(
      decodeURIComponent(amqp.username),
    );
  });

  it("stops everything with down, and finds the data again on the next up", async () => {
    const processes = Object.values(recordedProcesses(dir));
    expect(processes.length).toBeGreaterThanOrEqual(4);
    const down = parity(["down"], dir);
    expect(down.code, down.stderr).toBe(0);
    for (const p of processes) expect(alive(p), `pid ${p.pid}`).toBe(false);

    const up = parity(["up", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    const { body } = await getJson(`${app}/items`);
    expect(body).toMatchObject({ names: ["seeded", "first"], created: 1, queued: 1 });
  });

  it("restarts a service that died outside parity, replacing what it left behind", async () => {
    const rabbitmq = recordedProcesses(dir).rabbitmq!;
    process.kill(-rabbitmq.pid, "SIGKILL"); // its epmd daemon lives on, on the node's own port
    await waitFor("rabbitmq to be gone", () => !alive(rabbitmq));
    expect(JSON.parse(parity(["status", "--json"], dir).stdout).resources).toContainEqual(
      expect.objectContaining({ name: "rabbitmq", state: "stopped" }),
    );
    const up = parity(["up", "--detach", "rabbitmq"], dir);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/rabbitmq\s+ready/);
  });

  it("removes the data with down --volumes", async () => {
    expect(parity(["down", "--volumes"], dir).code).toBe(0);
    expect(existsSync(join(dir, ".parity/data"))).toBe(false);
    const up = parity(["up", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    const { body } = await getJson(`${app}/items`);
    expect(body).toEqual({ names: ["seeded"], created: 0, queued: 0 });
  });

  it("wipes one service's data with --fresh and reruns the jobs that depend on it", async () => {
    await getJson(`${app}/items?name=second`, "POST");
    const up = parity(["up", "--detach", "--fresh", "postgres", "shop"], dir);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/migrate\s+exited 0/);
    expect(up.stderr).toMatch(/seed\s+exited 0/);
    expect(up.stderr).toMatch(/redis\s+already running/);
    // The app's readiness needs postgres, which was down for the wipe: it is started again.
    expect(up.stderr).toMatch(/shop\s+ready/);
    const { body } = await getJson(`${app}/items`);
    expect(body).toMatchObject({ names: ["seeded"], created: 1 });
  });
});
