import { describe, expect, it } from "vitest";
import { catalog, kindRules } from "../../src/catalog/index.js";
import { serviceSchema } from "../../src/spec/schema.js";

const profile = (kind: string, options: Record<string, unknown> = {}) =>
  catalog.get(kind)!.profile(serviceSchema.parse(options), "shop", kind);

describe("catalog: postgres", () => {
  it("mounts the 18 layout at /var/lib/postgresql, without PGDATA", () => {
    const p = profile("postgres", { version: "18.1" });
    expect(p.dataPath).toBe("/var/lib/postgresql");
    expect(p.env.map((e) => e.name)).not.toContain("PGDATA");
  });

  it.each(["17.7", "16.11", "17"])(
    "mounts %s at /var/lib/postgresql/data with PGDATA one level down",
    (version) => {
      const p = profile("postgres", { version });
      expect(p.dataPath).toBe("/var/lib/postgresql/data");
      expect(p.env).toContainEqual({ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" });
    },
  );

  it("probes readiness over TCP on 127.0.0.1 as the real user and database", () => {
    const p = profile("postgres", { database: "orders", user: "app" });
    expect(p.readiness).toMatchObject({
      exec: ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "app", "-d", "orders"],
    });
    expect(p.url({ host: "db", port: 5432 }, "pw")).toBe("postgresql://app:pw@db:5432/orders");
  });
});

describe("catalog: redis", () => {
  it("requires a password and turns AOF on when persistent", () => {
    expect(profile("redis").args).toEqual([
      "--requirepass",
      "$(REDIS_PASSWORD)",
      "--appendonly",
      "yes",
    ]);
    expect(profile("redis", { persistent: false }).args).toEqual([
      "--requirepass",
      "$(REDIS_PASSWORD)",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
  });

  it("is ready on PONG only, authenticated through REDISCLI_AUTH", () => {
    const p = profile("redis");
    expect(p.env).toContainEqual({ name: "REDISCLI_AUTH", password: true });
    expect(p.readiness).toMatchObject({
      exec: ["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -q PONG"],
    });
    expect(p.url({ host: "redis", port: 6379 }, "pw")).toBe("redis://default:pw@redis:6379/0");
  });
});

describe("catalog: rabbitmq", () => {
  it("never uses guest, writes the default vhost as %2F, and adds the management port on request", () => {
    const p = profile("rabbitmq", { management: true });
    expect(p.env).toContainEqual({ name: "RABBITMQ_DEFAULT_USER", value: "shop" });
    expect(p.url({ host: "rabbitmq", port: 5672 }, "pw")).toBe("amqp://shop:pw@rabbitmq:5672/%2F");
    expect(p.ports).toEqual([
      { name: "amqp", port: 5672 },
      { name: "management", port: 15672, hostPort: 15672 },
    ]);
    expect(p.image).toBe("rabbitmq:4.2.2-management");
    expect(p.dataPath).toBe("/var/lib/rabbitmq");
  });
});

describe("catalog: registry", () => {
  it("tells the spec layer every kind, its options and port", () => {
    expect([...kindRules.kinds.keys()]).toEqual([...catalog.keys()]);
    expect(kindRules.kinds.get("postgres")).toMatchObject({
      options: ["database", "user"],
      port: 5432,
    });
    expect(kindRules.kinds.get("rabbitmq")).toMatchObject({
      port: 5672,
      optionPorts: { management: 15672 },
    });
  });
});
