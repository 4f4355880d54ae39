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
    // Every kind of the catalog, and `external`, which parity does not run.
    expect([...kindRules.kinds.keys()]).toEqual([...catalog.keys(), "external"]);
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

describe("catalog: kafka", () => {
  const p = profile("kafka", { topics: ["orders"], forward: 19092 });
  const env = Object.fromEntries(p.env.map((e) => [e.name, "value" in e ? e.value : "<secret>"]));

  it("configures the apache/kafka image through its KAFKA_ variables, `_` as `__`", () => {
    expect(p.image).toBe("apache/kafka:4.4.0");
    expect(env.KAFKA_PROCESS_ROLES).toBe("broker,controller");
    expect(env.KAFKA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG).toContain(
      'username="shop" password="$(PARITY_KAFKA_PASSWORD)"',
    );
    expect(env.PARITY_KAFKA_PASSWORD).toBe("<secret>");
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe("1");
  });

  it("advertises its Service name inside the cluster and 127.0.0.1:<forward> to port forwards", () => {
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe(
      "SASL_PLAINTEXT://kafka:9092,HOST://127.0.0.1:19092",
    );
    expect(p.forwardTo).toBe(29092);
    expect(p.ports.map((port) => port.port)).toEqual([9092, 29092]);
    // The probe's tools follow the advertised name: inside its own pod, that is itself.
    expect(p.pod).toMatchObject({ hostAliases: [{ ip: "127.0.0.1", hostnames: ["kafka"] }] });
  });

  it("keeps one cluster id per stack and service, as KRaft's storage needs", () => {
    const again = profile("kafka", {});
    const id = (q: typeof p) => q.env.find((e) => e.name === "CLUSTER_ID");
    expect(id(again)).toEqual(id(p));
    expect(id(p)).toMatchObject({
      value: expect.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/),
    });
  });

  it("hands clients the bootstrap servers and the SASL settings", () => {
    expect(p.url({ host: "kafka", port: 9092 }, "pw")).toBe("kafka:9092");
    expect(p.clientEnv!({ host: "kafka", port: 9092 }, "pw")).toEqual({
      KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "shop",
      KAFKA_SASL_PASSWORD: "pw",
    });
    expect(p.readiness).toMatchObject({
      exec: ["sh", "-c", expect.stringContaining("--topic orders")],
    });
  });
});

describe("catalog: s3", () => {
  it("runs versitygw's POSIX back end and makes the spec's buckets before it starts", () => {
    const p = profile("s3", { buckets: ["receipts", "avatars"] });
    expect(p.image).toBe("versity/versitygw:v1.8.0");
    expect(p.setupScript).toBe("mkdir -p /data/receipts /data/avatars");
    expect(p.env).toContainEqual({ name: "ROOT_SECRET_KEY", password: true });
    expect(p.url({ host: "s3", port: 7070 }, "pw")).toBe("http://s3:7070");
    expect(p.urlEnv).toBe("AWS_ENDPOINT_URL_S3");
    expect(p.clientEnv!({ host: "s3", port: 7070 }, "pw")).toMatchObject({
      AWS_ACCESS_KEY_ID: "shop",
      AWS_SECRET_ACCESS_KEY: "pw",
      AWS_REGION: "us-east-1",
    });
  });
});

describe("catalog: localstack", () => {
  it("emulates the services named and those its resources need, s3 when nothing says", () => {
    const services = (options: Record<string, unknown>) =>
      profile("localstack", options).env.find((e) => e.name === "SERVICES");
    expect(services({})).toEqual({ name: "SERVICES", value: "s3" });
    expect(services({ queues: ["jobs"], tables: ["carts"] })).toEqual({
      name: "SERVICES",
      value: "sqs,dynamodb",
    });
    expect(services({ emulate: ["sns"], buckets: ["b-1"] })).toEqual({
      name: "SERVICES",
      value: "s3,sns",
    });
  });

  it("creates the resources once in its readiness probe, with awslocal", () => {
    const p = profile("localstack", { queues: ["jobs"], tables: ["carts"] });
    const probe = (p.readiness as { exec: string[] }).exec[2]!;
    expect(probe).toContain("awslocal sqs create-queue --queue-name jobs");
    expect(probe).toContain("awslocal dynamodb create-table --table-name carts");
    expect(p.yields).toContain("AWS_ACCESS_KEY_ID");
  });
});
