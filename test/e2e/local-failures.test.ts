import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parity } from "../helpers/cli.js";
import {
  alive,
  parityInBackground,
  prepareStack,
  recordedProcesses,
  waitFor,
} from "../helpers/stack.js";

describe("a failing job", { timeout: 120_000 }, () => {
  const ports = { postgres: 21532, redis: 21479, rabbitmq: 10772, app: 21180 };
  const dir = prepareStack(ports, {
    withoutRabbitmq: true,
    migrate: `node -e "console.log('applying 0001'); console.error('migration 0002 failed: relation orders does not exist'); process.exit(3)"`,
  });
  afterAll(() => void parity(["down", "--volumes"], dir));

  it("stops the walk: exit 1, its log tail shown, dependents never started", () => {
    const up = parity(["up", "--detach"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/✖ migrate: exited with code 3/);
    expect(up.stderr).toContain("│ migration 0002 failed: relation orders does not exist");
    expect(up.stderr).toMatch(/seed\s+skipped: not started: migrate failed/);
    expect(up.stderr).toMatch(/shop\s+skipped: not started: migrate failed/);
    expect(existsSync(join(dir, ".parity/logs/shop.log"))).toBe(false);
    expect(existsSync(join(dir, ".parity/logs/seed.log"))).toBe(false);
    expect(up.stderr).toMatch(/still running: postgres, redis/);
    const status = JSON.parse(parity(["status", "--json"], dir).stdout) as {
      resources: Array<{ name: string; state: string }>;
    };
    expect(Object.fromEntries(status.resources.map((r) => [r.name, r.state]))).toMatchObject({
      migrate: "failed",
      seed: "not started",
      shop: "not started",
    });
  });
});

describe("a migration job that applies nothing", { timeout: 120_000 }, () => {
  const ports = { postgres: 21732, redis: 21679, rabbitmq: 10972, app: 21380 };
  // It makes the seed's table, as a hand-rolled script might, but records no migration.
  const dir = prepareStack(ports, {
    withoutRabbitmq: true,
    migrate: `node -e "const pg = require('pg'); const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); c.connect().then(() => c.query('create table if not exists items (id serial primary key, name text unique not null)')).then(() => c.end())"`,
  });
  afterAll(() => void parity(["down", "--volumes"], dir));

  it("keeps the app from starting: the schema it waits for is not in the database", () => {
    const up = parity(["up", "--detach"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/migrate\s+exited 0/);
    expect(up.stderr).toMatch(
      /✖ shop: the schema in postgres is not there \(not ready after 10 s \(last answer: no applied migration in pgmigrations, schema_migrations, .*\)\): did the migration job apply anything\?/,
    );
    expect(existsSync(join(dir, ".parity/logs/shop.log"))).toBe(false);
  });
});

describe("before anything starts", { timeout: 60_000 }, () => {
  it("refuses a busy port, naming it and the process holding it", async () => {
    const ports = { postgres: 21632, redis: 21579, rabbitmq: 10872, app: 21280 };
    const dir = prepareStack(ports, { withoutRabbitmq: true });
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.redis, "127.0.0.1", resolve));
    try {
      const up = parity(["up", "--detach"], dir);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(
        `port ${ports.redis} for redis is already in use by pid ${process.pid}`,
      );
      expect(recordedProcesses(dir)).toEqual({});
      expect(existsSync(join(dir, ".parity/data"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("says which Debian package provides a missing server", () => {
    const ports = { postgres: 21732, redis: 21679, rabbitmq: 10972, app: 21380 };
    const dir = prepareStack(ports, { withoutRabbitmq: true });
    const up = parity(["up", "--detach"], dir, { PATH: "/nonexistent" });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      "redis: redis-server not found: install the Debian/Ubuntu package redis-server (apt-get install redis-server)",
    );
    expect(recordedProcesses(dir)).toEqual({});
    const doctor = parity(["doctor"], dir, { PATH: "/nonexistent" });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      "✖ redis: redis-server missing: Debian/Ubuntu package redis-server",
    );
    expect(doctor.stdout).toContain("sudo apt-get install redis-server");
  });

  it("refuses a second concurrent up of the same stack, and recovers a stale lock", async () => {
    const ports = { postgres: 21832, redis: 21779, rabbitmq: 11072, app: 21480 };
    const dir = prepareStack(ports, { withoutRabbitmq: true });
    const first = parityInBackground(["up", "redis"], dir);
    try {
      await waitFor(
        "the first up to be running",
        () => /redis\s+ready/.test(first.output()),
        60_000,
        first,
      );
      const second = parity(["up", "--detach", "redis"], dir);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`another \`parity up\` \\(pid ${first.child.pid}\\) is running for this stack`),
      );
    } finally {
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(0);
    }
    // A lock left by a parity that was killed names a process that is gone: it is taken over.
    writeFileSync(
      join(dir, ".parity/lock"),
      JSON.stringify({ pid: 999_999, startTicks: 1, command: "up" }),
    );
    const again = parity(["up", "--detach", "redis"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(parity(["down"], dir).code).toBe(0);
  });
});

describe("no orphans", { timeout: 120_000 }, () => {
  it("SIGINT during start-up stops every process it started", async () => {
    const ports = { postgres: 21932, redis: 21879, rabbitmq: 11172, app: 21580 };
    const dir = prepareStack(ports);
    const up = parityInBackground(["up"], dir);
    // Interrupt while RabbitMQ is still starting (it takes seconds) and postgres may be ready.
    await waitFor(
      "rabbitmq to be starting",
      () => Boolean(recordedProcesses(dir).rabbitmq),
      60_000,
      up,
    );
    const started = recordedProcesses(dir);
    up.child.kill("SIGINT");
    expect(await up.exited).toBe(130);
    for (const [name, p] of Object.entries(started))
      expect(alive(p), `${name} (pid ${p.pid})`).toBe(false);
    expect(recordedProcesses(dir)).toEqual({});
    parity(["down", "--volumes"], dir);
  });

  it("after SIGKILL of parity, down stops everything it had started", async () => {
    const ports = { postgres: 22032, redis: 21979, rabbitmq: 11272, app: 21680 };
    const dir = prepareStack(ports);
    const up = parityInBackground(["up"], dir);
    await waitFor(
      "postgres and rabbitmq to be starting",
      () => {
        const r = recordedProcesses(dir);
        return Boolean(r.rabbitmq && r.postgres);
      },
      60_000,
      up,
    );
    up.child.kill("SIGKILL");
    await up.exited;
    const left = recordedProcesses(dir);
    expect(Object.values(left).some(alive)).toBe(true);
    const down = parity(["down", "--volumes"], dir);
    expect(down.code, down.stderr).toBe(0);
    for (const [name, p] of Object.entries(left))
      expect(alive(p), `${name} (pid ${p.pid})`).toBe(false);
  });

  it("Ctrl-C on a running foreground up stops the whole stack", async () => {
    const ports = { postgres: 22132, redis: 22079, rabbitmq: 11372, app: 21780 };
    const dir = prepareStack(ports);
    const up = parityInBackground(["up"], dir);
    await waitFor(
      "the stack to be ready",
      () => up.output().includes("Ctrl-C stops the stack"),
      90_000,
    );
    const running = recordedProcesses(dir);
    expect(Object.keys(running).sort()).toEqual(["postgres", "rabbitmq", "redis", "shop"]);

    // An app that dies is reported with its last lines, and status says so.
    process.kill(-running.shop!.pid, "SIGKILL");
    await waitFor(
      "the crash to be reported",
      () => up.output().includes("✖ shop stopped running; its last lines:"),
      10_000,
      up,
    );
    const status = JSON.parse(parity(["status", "--json"], dir).stdout) as {
      resources: Array<{ name: string; state: string }>;
    };
    expect(status.resources.find((r) => r.name === "shop")?.state).toBe("stopped");
    expect(status.resources.find((r) => r.name === "postgres")?.state).toBe("ready");

    const stopAt = Date.now();
    up.child.kill("SIGINT");
    expect(await up.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000 + 2_000);
    for (const [name, p] of Object.entries(running))
      expect(alive(p), `${name} (pid ${p.pid})`).toBe(false);
    expect(up.output()).toMatch(/shop\s+\| listening on 21780/);
    // The servers' boot chatter stays in their log files; `parity logs` has it.
    expect(up.output()).not.toMatch(/postgres\s+\| .*ready to accept connections/);
    expect(up.output()).not.toMatch(/rabbitmq\s+\| .*[Ss]erver startup complete/);
    expect(parity(["logs", "postgres"], dir).stdout).toMatch(/ready to accept connections/);
    parity(["down", "--volumes"], dir);
  });
});

describe("a PostgreSQL data directory of another major", { timeout: 120_000 }, () => {
  const ports = { postgres: 21932, redis: 21879, rabbitmq: 11172, app: 21580 };
  const dir = prepareStack(ports, { withoutRabbitmq: true });
  afterAll(() => void parity(["down", "--volumes"], dir));

  it("is refused before anything starts, with the ways out, and the data kept", () => {
    const data = join(dir, ".parity/data/postgres");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "PG_VERSION"), "9\n");
    const up = parity(["up", "--detach"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/postgres: its data in \S+ was made by postgres 9, which \d+\.\d+/);
    expect(up.stderr).toContain("parity up --fresh postgres");
    expect(readFileSync(join(data, "PG_VERSION"), "utf8")).toBe("9\n");
    expect(recordedProcesses(dir)).toEqual({});
  });
});
