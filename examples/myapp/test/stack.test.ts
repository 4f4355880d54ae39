import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrderCache } from "../src/cache.js";
import type { Order } from "../src/orders.js";
import {
  alive,
  build,
  EXAMPLE,
  http,
  parity,
  parityEnv,
  postJson,
  prepareExample,
  recordedProcess,
  runProgram,
  waitFor,
  type Response,
} from "./helpers.js";

/**
 * myapp end to end on parity's local target: real PostgreSQL, Redis and RabbitMQ processes, the
 * migrate and seed jobs, the API and the worker, all started by `parity up` from a copy of the
 * example whose ports are moved to a block no other test uses.
 */
describe("myapp on parity's local target", { timeout: 60_000 }, () => {
  const ports = { postgres: 22432, redis: 22379, rabbitmq: 11572, app: 22080 };
  const api = `http://127.0.0.1:${ports.app}`;
  const migrations = readdirSync(join(EXAMPLE, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.replace(/\.sql$/, ""))
    .sort();
  const dir = prepareExample(ports);
  let env: Record<string, string>;
  let db: pg.Pool;
  let redis: Redis;

  const count = async (table: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  const order = async (id: string) => (await http(`${api}/orders/${id}`)).body as unknown as Order;
  const create = async (sku = "MUG-001", quantity = 1): Promise<Order> => {
    const res = await postJson(`${api}/orders`, {
      customer: "ada@example.com",
      items: [{ sku, quantity }],
    });
    expect(res.status, res.text).toBe(201);
    return res.body as unknown as Order;
  };
  const statusInDb = async (id: string) =>
    (await db.query<{ status: string }>("SELECT status FROM orders WHERE id = $1", [id])).rows[0]
      ?.status;

  beforeAll(() => {
    // A stack some earlier run left behind on these ports would make `up` fail: clear it.
    parity(["down", "--volumes"], dir);
  });

  afterAll(async () => {
    await db?.end();
    redis?.disconnect();
    const down = parity(["down", "--volumes"], dir);
    if (down.code === 0) rmSync(dir, { recursive: true, force: true });
  });

  it("brings up postgres → migrate → seed → myapp (+ redis, rabbitmq, worker) with `parity up`", async () => {
    const up = parity(["up", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    const events = up.stderr
      .split("\n")
      .map((l) => /^\s*[\d.]+s\s+(\S+)\s+(starting|ready|exited 0)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    const at = (event: string) => {
      expect(events).toContain(event);
      return events.indexOf(event);
    };
    expect(at("postgres ready")).toBeLessThan(at("migrate starting"));
    expect(at("migrate exited 0")).toBeLessThan(at("seed starting"));
    for (const app of ["myapp", "myapp-worker"]) {
      expect(at("seed exited 0")).toBeLessThan(at(`${app} starting`));
      expect(at("redis ready")).toBeLessThan(at(`${app} starting`));
      expect(at("rabbitmq ready")).toBeLessThan(at(`${app} starting`));
    }
    expect(at("myapp ready")).toBeGreaterThan(0);

    const status = parity(["status", "--json"], dir);
    const report = JSON.parse(status.stdout) as {
      resources: Array<{ name: string; state: string }>;
    };
    expect(Object.fromEntries(report.resources.map((r) => [r.name, r.state]))).toEqual({
      postgres: "ready",
      redis: "ready",
      rabbitmq: "ready",
      migrate: "exited",
      seed: "exited",
      myapp: "ready",
      "myapp-worker": "ready",
    });

    env = parityEnv(dir, "myapp");
    db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
    redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    // The tests stop servers under these clients on purpose.
    db.on("error", () => {});
    redis.on("error", () => {});

    const ready = await http(`${api}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: "ready",
      checks: { postgres: "up", redis: "up", rabbitmq: "up" },
    });
    expect((await http(`${api}/healthz`)).body).toEqual({ status: "ok" });
    // The seed ran: its demo order is there.
    const demo = await http(`${api}/orders/00000000-0000-4000-8000-000000000001`);
    expect(demo.status).toBe(200);
    expect(demo.body).toMatchObject({ status: "confirmed", totalCents: 2800 });
  });

  it("creates an order, publishes order.created, and the worker confirms it", async () => {
    const res = await postJson(`${api}/orders`, {
      customer: "ada@example.com",
      items: [
        { sku: "TEE-001", quantity: 2 },
        { sku: "CAP-001", quantity: 1 },
      ],
    });
    expect(res.status, res.text).toBe(201);
    const created = res.body as unknown as Order;
    expect(res.headers.get("location")).toBe(`/orders/${created.id}`);
    expect(created).toMatchObject({
      customer: "ada@example.com",
      status: "pending",
      version: 1,
      totalCents: 2 * 2500 + 1800,
      items: [
        { sku: "TEE-001", quantity: 2, unitPriceCents: 2500 },
        { sku: "CAP-001", quantity: 1, unitPriceCents: 1800 },
      ],
    });
    await waitFor(
      "the worker to confirm the order",
      async () => (await order(created.id)).status === "confirmed",
    );
    expect(await statusInDb(created.id)).toBe("confirmed");
    expect((await order(created.id)).version).toBe(2);
    // The event left the outbox once RabbitMQ confirmed it, and the worker says what it did.
    await waitFor("the outbox to drain", async () => (await count("outbox")) === 0);
    const log = readFileSync(join(dir, ".parity/logs/myapp-worker.log"), "utf8");
    expect(log).toMatch(
      new RegExp(`"order":"${created.id}","outcome":"changed","msg":"order confirmed"`),
    );

    const listed = await http(`${api}/orders?status=confirmed`);
    expect(listed.status).toBe(200);
    const ids = (listed.body.orders as Order[]).map((o) => o.id);
    expect(ids).toContain(created.id);
    expect((listed.body.orders as Order[]).every((o) => o.status === "confirmed")).toBe(true);
    const limited = await http(`${api}/orders?limit=1`);
    expect(limited.body.orders).toHaveLength(1);
  });

  it("reads orders through the Redis cache and invalidates the entry when the order changes", async () => {
    const created = await create();
    const key = `myapp:order:${created.id}`;
    // Confirming leaves a tombstone of the new version: no read of the old row can be cached now.
    await waitFor(
      "the worker to confirm and invalidate",
      async () => (await redis.get(key)) === "2|",
    );
    expect(await statusInDb(created.id)).toBe("confirmed");

    const first = await http(`${api}/orders/${created.id}`);
    expect(first.headers.get("x-cache")).toBe("miss");
    expect(await redis.get(key)).toBe(`2|${first.text}`);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    const second = await http(`${api}/orders/${created.id}`);
    expect(second.headers.get("x-cache")).toBe("hit");
    expect(second.body).toEqual(first.body);

    const cancelled = await http(`${api}/orders/${created.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", version: 3 });
    const after = await http(`${api}/orders/${created.id}`);
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(after.body).toMatchObject({ status: "cancelled", version: 3 });
    expect((await http(`${api}/orders/${created.id}`)).headers.get("x-cache")).toBe("hit");
  });

  it("keeps order.created queued while the worker is stopped; the worker then invalidates what was cached", async () => {
    const worker = recordedProcess(dir, "myapp-worker")!;
    expect(alive(worker)).toBe(true);
    process.kill(-worker.pid, "SIGTERM");
    await waitFor("the worker to stop", () => !alive(worker));
    const log = readFileSync(join(dir, ".parity/logs/myapp-worker.log"), "utf8");
    expect(log).toMatch(/"signal":"SIGTERM","msg":"shutting down"[^]*"msg":"stopped"/);

    const created = await create("STICKER-001", 3);
    expect((await http(`${api}/orders/${created.id}`)).headers.get("x-cache")).toBe("miss");
    const cached = await http(`${api}/orders/${created.id}`);
    expect(cached.headers.get("x-cache")).toBe("hit");
    expect(cached.body).toMatchObject({ status: "pending" });
    // Published (the outbox drains) into the durable queue, where it waits for a consumer.
    await waitFor("the outbox to drain", async () => (await count("outbox")) === 0);
    expect(await statusInDb(created.id)).toBe("pending");

    const up = parity(["up", "--detach", "myapp-worker"], dir);
    expect(up.code, up.stderr).toBe(0);
    // The cache entry lives 300 s: seeing "confirmed" well before that means the worker
    // invalidated it.
    await waitFor(
      "the restarted worker to confirm",
      async () => (await order(created.id)).status === "confirmed",
    );
    expect(await statusInDb(created.id)).toBe("confirmed");
  });

  it("never lets a stale read overwrite an invalidation (versioned entries, tombstones)", async () => {
    const cache = new OrderCache(redis, 60, "test:order:");
    const id = "11111111-1111-4111-8111-111111111111";
    const v = (version: number, status: Order["status"]): Order => ({
      id,
      customer: "c",
      status,
      version,
      items: [],
      totalCents: 0,
      createdAt: "2024-01-01T00:00:00.000Z",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    await cache.put(v(1, "pending"));
    expect(await cache.get(id)).toEqual(v(1, "pending"));
    await cache.invalidate(id, 2); // the worker, after confirming
    expect(await cache.get(id)).toBeUndefined();
    await cache.put(v(1, "pending")); // a reader that fetched the row before the change
    expect(await cache.get(id)).toBeUndefined();
    await cache.put(v(2, "confirmed")); // a reader of the new row
    expect(await cache.get(id)).toEqual(v(2, "confirmed"));
    await cache.put(v(1, "pending"));
    expect(await cache.get(id)).toEqual(v(2, "confirmed"));
    await cache.invalidate(id, 1); // an invalidation older than the entry changes nothing
    expect(await cache.get(id)).toEqual(v(2, "confirmed"));
    await redis.del(cache.key(id));
  });

  it("batches the reads of one turn of the event loop into one MGET, each answered with its own entry", async () => {
    const cache = new OrderCache(redis, 60, "test:batch:");
    const order = (n: number): Order => ({
      id: `22222222-2222-4222-8222-00000000000${n}`,
      customer: `c${n}`,
      status: "pending",
      version: 1,
      items: [],
      totalCents: n,
      createdAt: "2024-01-01T00:00:00.000Z",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    const [a, b, tomb, absent] = [1, 2, 3, 4].map(order) as [Order, Order, Order, Order];
    await cache.put(a);
    await cache.put(b);
    await cache.invalidate(tomb.id, 2);
    const mgets = async () =>
      Number(/cmdstat_mget:calls=(\d+)/.exec(await redis.info("commandstats"))?.[1] ?? 0);
    const before = await mgets();
    const reads = await Promise.all([a, absent, b, tomb, a].map((o) => cache.getJson(o.id)));
    expect(await mgets()).toBe(before + 1);
    expect(
      reads.map((json) => (json ? (JSON.parse(json.toString()) as Order).customer : json)),
    ).toEqual(["c1", undefined, "c2", undefined, "c1"]);
    // A lone read is a plain GET, and answers as well.
    expect(await cache.get(b.id)).toEqual(b);
    await redis.del(...[a, b, tomb].map((o) => cache.key(o.id)));
  });

  it("answers /readyz 503 while Redis is down, serves reads from Postgres, and recovers when it returns", async () => {
    const server = recordedProcess(dir, "redis")!;
    const demo = "00000000-0000-4000-8000-000000000001";
    process.kill(-server.pid, "SIGTERM");
    let notReady: Response | undefined;
    await waitFor("/readyz to fail", async () => {
      notReady = await http(`${api}/readyz`);
      return notReady.status === 503;
    });
    expect(notReady!.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(notReady!.body).toMatchObject({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "not ready: redis",
      checks: { postgres: "up", rabbitmq: "up" },
    });
    expect((notReady!.body.checks as Record<string, string>).redis).toMatch(/^down: /);
    // Liveness is the process: restarting the API would not bring Redis back.
    expect((await http(`${api}/healthz`)).status).toBe(200);
    const read = await http(`${api}/orders/${demo}`);
    expect(read.status).toBe(200);
    expect(read.headers.get("x-cache")).toBe("bypass");

    const up = parity(["up", "--detach", "redis"], dir);
    expect(up.code, up.stderr).toBe(0);
    await waitFor("/readyz to recover", async () => (await http(`${api}/readyz`)).status === 200);
    await waitFor("the cache to serve again", async () =>
      ["hit", "miss"].includes((await http(`${api}/orders/${demo}`)).headers.get("x-cache")!),
    );
  });

  it("applies the schema once when two migrators start at the same time", async () => {
    const name = "migrate_race";
    await db.query(`DROP DATABASE IF EXISTS ${name}`);
    await db.query(`CREATE DATABASE ${name}`);
    const url = new URL(env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const race = { DATABASE_URL: url.toString(), LOG_LEVEL: "info" };
    // One as the local target runs it (TypeScript source), one as the image's Job does (dist/).
    const built = build(dir);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    const [a, b] = await Promise.all([
      runProgram("migrate", race, dir),
      runProgram("migrate", race, dir, { built: true }),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    // One applied everything; the other waited for the advisory lock and found nothing to do.
    const applied = [a, b].map((r) => /"msg":"migrated: (\d+) applied"/.exec(r.stdout)?.[1]);
    expect(applied.sort()).toEqual(["0", String(migrations.length)]);

    const other = new pg.Client({ connectionString: url.toString() });
    await other.connect();
    try {
      const rows = await other.query<{ name: string }>("SELECT name FROM pgmigrations ORDER BY id");
      expect(rows.rows.map((r) => r.name)).toEqual(migrations);
      const tables = await other.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        "order_items",
        "orders",
        "outbox",
        "pgmigrations",
        "products",
      ]);
    } finally {
      await other.end();
    }
    await db.query(`DROP DATABASE ${name}`);
    // The stack's own database, migrated by every `up` (twice by now): each migration once.
    const own = await db.query<{ name: string }>("SELECT name FROM pgmigrations ORDER BY id");
    expect(own.rows.map((r) => r.name)).toEqual(migrations);
  });

  it("seeds idempotently: running the seed twice more leaves the same rows", async () => {
    const snapshot = async () => ({
      products: (await db.query("SELECT * FROM products ORDER BY sku")).rows,
      demo: (
        await db.query("SELECT * FROM orders WHERE id = '00000000-0000-4000-8000-000000000001'")
      ).rows,
      items: (
        await db.query(
          "SELECT * FROM order_items WHERE order_id = '00000000-0000-4000-8000-000000000001' ORDER BY position",
        )
      ).rows,
      orders: await count("orders"),
    });
    const before = await snapshot();
    expect(before.products).toHaveLength(4);
    const seedEnv = { DATABASE_URL: env.DATABASE_URL!, LOG_LEVEL: "info" };
    for (let i = 0; i < 2; i++) {
      const run = await runProgram("seed", seedEnv, dir);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("rejects bad input with problem details and writes nothing", async () => {
    const tables = ["orders", "order_items", "outbox"];
    const counts = async () => Promise.all(tables.map(count));
    const before = await counts();
    const unknown = "00000000-0000-4000-8000-00000000beef";

    const cases: Array<[string, () => Promise<Response>, number]> = [
      ["malformed JSON", () => postJson(`${api}/orders`, '{"customer": "ada", "items": ['), 400],
      ["an empty body", () => postJson(`${api}/orders`, ""), 400],
      [
        "wrong types",
        () =>
          postJson(`${api}/orders`, { customer: 42, items: [{ sku: "MUG-001", quantity: "2" }] }),
        400,
      ],
      ["no items", () => postJson(`${api}/orders`, { customer: "ada", items: [] }), 400],
      [
        "a zero quantity",
        () =>
          postJson(`${api}/orders`, { customer: "ada", items: [{ sku: "MUG-001", quantity: 0 }] }),
        400,
      ],
      [
        "an unknown field",
        () =>
          postJson(`${api}/orders`, {
            customer: "ada",
            items: [{ sku: "MUG-001", quantity: 1 }],
            status: "confirmed",
          }),
        400,
      ],
      [
        "an unknown SKU (with a known one)",
        () =>
          postJson(`${api}/orders`, {
            customer: "ada",
            items: [
              { sku: "MUG-001", quantity: 1 },
              { sku: "NOPE-404", quantity: 1 },
            ],
          }),
        422,
      ],
      [
        "a body that is not JSON",
        () =>
          http(`${api}/orders`, {
            method: "POST",
            body: "customer=ada",
            headers: { "content-type": "text/plain" },
          }),
        415,
      ],
      ["an unknown order id", () => http(`${api}/orders/${unknown}`), 404],
      ["a malformed order id", () => http(`${api}/orders/42`), 400],
      [
        "cancelling an unknown order",
        () => http(`${api}/orders/${unknown}/cancel`, { method: "POST" }),
        404,
      ],
      [
        "cancelling with a malformed id",
        () => http(`${api}/orders/x/cancel`, { method: "POST" }),
        400,
      ],
      ["an unknown status filter", () => http(`${api}/orders?status=shipped`), 400],
      ["a limit that is not a number", () => http(`${api}/orders?limit=all`), 400],
      ["an unknown route", () => http(`${api}/nope`), 404],
    ];
    for (const [what, request, status] of cases) {
      const res = await request();
      expect(res.status, what).toBe(status);
      expect(res.headers.get("content-type"), what).toBe("application/problem+json; charset=utf-8");
      expect(res.body, what).toMatchObject({ type: "about:blank", status });
      expect(typeof res.body.title, what).toBe("string");
      expect(typeof res.body.detail, what).toBe("string");
      expect(res.text, what).not.toMatch(/\bat .+:\d+:\d+|stack|node_modules/);
    }
    expect(await counts()).toEqual(before);

    // Schema violations say where: a JSON pointer per problem.
    const typed = await postJson(`${api}/orders`, {
      customer: 42,
      items: [{ sku: "MUG-001", quantity: "2" }],
    });
    expect(typed.body.errors).toEqual([
      { in: "body", pointer: "/customer", message: "must be string" },
      { in: "body", pointer: "/items/0/quantity", message: "must be integer" },
    ]);
    const unknownSku = await postJson(`${api}/orders`, {
      customer: "ada",
      items: [{ sku: "NOPE-404", quantity: 1 }],
    });
    expect(unknownSku.body.unknownSkus).toEqual(["NOPE-404"]);
    expect(await counts()).toEqual(before);
  });

  it("stops gracefully with `parity down`: both processes drain and exit", async () => {
    const processes = ["myapp", "myapp-worker"].map((name) => recordedProcess(dir, name)!);
    const down = parity(["down"], dir);
    expect(down.code, down.stderr).toBe(0);
    for (const p of processes) expect(alive(p)).toBe(false);
    for (const name of ["myapp", "myapp-worker"]) {
      const log = readFileSync(join(dir, `.parity/logs/${name}.log`), "utf8");
      const tail = log.slice(log.lastIndexOf('"msg":"shutting down"'));
      expect(tail, name).toContain('"msg":"stopped"');
    }
  });
});
