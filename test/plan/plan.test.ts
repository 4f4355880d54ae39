import { describe, expect, it } from "vitest";
import type { AppResource, JobResource, ServiceResource } from "../../src/plan/types.js";
import { fixtureText, planOf } from "../helpers/spec.js";

const byName = <T>(plan: ReturnType<typeof planOf>, name: string) =>
  plan.resources.find((r) => r.name === name) as T;

describe("buildPlan: the graph", () => {
  const plan = planOf(fixtureText("myapp"));

  it("orders the myapp chain in levels, independent services together", () => {
    expect(plan.levels).toEqual([
      ["postgres", "rabbitmq", "redis"],
      ["migrate"],
      ["seed"],
      ["myapp"],
    ]);
  });

  it("makes the app wait for the services it uses and for every job", () => {
    expect([...plan.deps.get("myapp")!].sort()).toEqual([
      "migrate",
      "postgres",
      "rabbitmq",
      "redis",
      "seed",
    ]);
    expect(plan.deps.get("migrate")).toEqual(["postgres"]);
    expect(plan.deps.get("seed")).toEqual(["postgres", "migrate"]);
    expect(plan.deps.get("postgres")).toEqual([]);
  });

  it("does not make the app wait for a job that waits for the app (no implicit cycle)", () => {
    const smoke = planOf(
      "name: a\napps:\n  web:\n    port: 80\njobs:\n  migrate:\n    command: m\n  smoke:\n    command: s\n    after: [web]\n",
    );
    expect(smoke.deps.get("web")).toEqual(["migrate"]);
    expect(smoke.levels).toEqual([["migrate"], ["web"], ["smoke"]]);
  });

  it("defaults namespace and cluster name to the stack name", () => {
    expect(plan.namespace).toBe("myapp");
    expect(plan.cluster.name).toBe("myapp");
    expect(planOf("name: a\nnamespace: dev-a\ncluster: {name: c}\n")).toMatchObject({
      namespace: "dev-a",
      cluster: { name: "c" },
    });
  });
});

describe("buildPlan: env wiring", () => {
  const plan = planOf(fixtureText("myapp"));
  const app = byName<AppResource>(plan, "myapp");

  it("gives the app one URL per used service, password first, then the spec's env", () => {
    expect(app.env.map((e) => e.name)).toEqual([
      "POSTGRES_PASSWORD",
      "DATABASE_URL",
      "REDIS_PASSWORD",
      "REDIS_URL",
      "RABBITMQ_PASSWORD",
      "AMQP_URL",
      "LOG_LEVEL",
    ]);
  });

  it("uses Service DNS names in the cluster and 127.0.0.1 with the forwarded port on this machine", () => {
    const url = (name: string) => app.env.find((e) => e.name === name)!;
    expect(url("DATABASE_URL")).toMatchObject({
      source: "connection",
      cluster: "postgresql://myapp:$(POSTGRES_PASSWORD)@postgres:5432/orders",
      host: "postgresql://myapp:secret-postgres_password-value@127.0.0.1:5432/orders",
    });
    expect(url("REDIS_URL")).toMatchObject({
      cluster: "redis://default:$(REDIS_PASSWORD)@redis:6379/0",
    });
    expect(url("AMQP_URL")).toMatchObject({
      cluster: "amqp://myapp:$(RABBITMQ_PASSWORD)@rabbitmq:5672/%2F",
    });
  });

  it("percent-encodes passwords and vhosts in host URLs", () => {
    const odd = planOf(
      "name: a\nservices:\n  rabbitmq:\n    vhost: /orders\n    forward: 25672\napps:\n  web:\n    uses: [rabbitmq]\n",
      { get: () => "p@ss/w:rd" },
    );
    const amqp = byName<AppResource>(odd, "web").env.find((e) => e.name === "AMQP_URL");
    expect(amqp).toMatchObject({ host: "amqp://a:p%40ss%2Fw%3Ard@127.0.0.1:25672/%2Forders" });
  });

  it("names each URL after its service when one consumer uses two services of a kind", () => {
    const two = planOf(
      "name: a\nservices:\n  postgres: {}\n  analytics:\n    kind: postgres\n    forward: 5433\napps:\n  web:\n    uses: [postgres, analytics]\n",
    );
    expect(byName<AppResource>(two, "web").env.map((e) => e.name)).toEqual([
      "POSTGRES_PASSWORD",
      "POSTGRES_URL",
      "ANALYTICS_PASSWORD",
      "ANALYTICS_URL",
    ]);
  });

  it("prefixes every variable of two services of one kind, the URL as <NAME>_URL", () => {
    const two = planOf(
      "name: a\nservices:\n  s3: {}\n  archive:\n    kind: s3\n    forward: 7071\napps:\n  web:\n    uses: [s3, archive]\n",
    );
    const names = byName<AppResource>(two, "web").env.map((e) => e.name);
    expect(names).toContain("S3_URL");
    expect(names).toContain("ARCHIVE_AWS_SECRET_ACCESS_KEY");
    expect(names).not.toContain("AWS_ACCESS_KEY_ID");
  });

  it("lets the emulator leave the AWS credentials to the storage it is used beside", () => {
    const both = planOf(
      "name: a\nservices:\n  s3: {}\n  localstack:\n    queues: [jobs]\napps:\n  web:\n    uses: [localstack, s3]\n",
    );
    const env = byName<AppResource>(both, "web").env;
    const secret = env.find((e) => e.name === "AWS_SECRET_ACCESS_KEY");
    expect(secret).toMatchObject({ service: "s3", cluster: "$(S3_PASSWORD)" });
    expect(env.filter((e) => e.name === "AWS_REGION")).toHaveLength(1);
    expect(env.map((e) => e.name)).toEqual(
      expect.arrayContaining(["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID"]),
    );
    const alone = planOf(
      "name: a\nservices:\n  localstack: {}\napps:\n  web:\n    uses: [localstack]\n",
    );
    expect(
      byName<AppResource>(alone, "web").env.find((e) => e.name === "AWS_SECRET_ACCESS_KEY"),
    ).toMatchObject({ service: "localstack", cluster: "$(LOCALSTACK_PASSWORD)" });
  });

  it("hands an external service's variables from its Secret, with the developer's values", () => {
    const spec =
      "name: a\nservices:\n  payments:\n    kind: external\n    variables: [PAYMENTS_URL, PAYMENTS_KEY]\n    check: PAYMENTS_URL\napps:\n  web:\n    uses: [payments]\n";
    const plan = planOf(spec, undefined, (v) =>
      v === "PAYMENTS_URL" ? "https://pay.example/health" : undefined,
    );
    expect(byName<AppResource>(plan, "web").env).toEqual([
      {
        name: "PAYMENTS_URL",
        source: "secret",
        secret: "payments-credentials",
        key: "PAYMENTS_URL",
        value: "https://pay.example/health",
      },
      {
        name: "PAYMENTS_KEY",
        source: "secret",
        secret: "payments-credentials",
        key: "PAYMENTS_KEY",
        value: "",
      },
    ]);
    expect(plan.resources.find((r) => r.name === "payments")).toMatchObject({
      sort: "external",
      check: "PAYMENTS_URL",
      values: { PAYMENTS_URL: "https://pay.example/health", PAYMENTS_KEY: undefined },
    });
    expect(plan.deps.get("web")).toEqual(["payments"]);
  });

  it("gives jobs the env of the services they use, and the app's image", () => {
    const migrate = byName<JobResource>(plan, "migrate");
    expect(migrate.env.map((e) => e.name)).toEqual(["POSTGRES_PASSWORD", "DATABASE_URL"]);
    expect(migrate.image).toEqual({
      image: "myapp",
      build: { context: ".", dockerfile: undefined, target: undefined },
    });
    expect(migrate.command).toEqual(["sh", "-c", "npm run migrate"]);
  });
});

describe("buildPlan: services from the catalog", () => {
  it("asks the secret source once per service, under <NAME>_PASSWORD", () => {
    const asked: string[] = [];
    planOf(fixtureText("myapp"), { get: (k) => (asked.push(k), "x") });
    expect(asked).toEqual(["POSTGRES_PASSWORD", "REDIS_PASSWORD", "RABBITMQ_PASSWORD"]);
  });

  it("forwards the kind's port by default, a chosen port, or none", () => {
    const plan = planOf(
      "name: a\nservices:\n  postgres: {}\n  redis:\n    forward: 16379\n  rabbitmq:\n    forward: false\n    management: true\n",
    );
    expect(byName<ServiceResource>(plan, "postgres").forward).toBe(5432);
    expect(byName<ServiceResource>(plan, "redis").forward).toBe(16379);
    expect(byName<ServiceResource>(plan, "rabbitmq")).toMatchObject({
      forward: undefined,
      extraForwards: [],
    });
  });

  it("forwards the RabbitMQ management UI to 15672, or to the port given", () => {
    const plan = planOf(
      "name: a\nservices:\n  rabbitmq:\n    management: true\n  events:\n    kind: rabbitmq\n    forward: 5680\n    management: 25690\n",
    );
    expect(byName<ServiceResource>(plan, "rabbitmq").extraForwards).toEqual([
      { host: 15672, container: 15672 },
    ]);
    expect(byName<ServiceResource>(plan, "events").extraForwards).toEqual([
      { host: 25690, container: 15672 },
    ]);
  });

  it("uses the official images with pinned tags", () => {
    const plan = planOf(
      "name: a\nservices:\n  postgres: {}\n  redis: {}\n  rabbitmq: {management: true}\n",
    );
    expect(plan.resources.map((r) => (r as ServiceResource).profile.image)).toEqual([
      "postgres:18.1",
      "redis:8.4.0",
      "rabbitmq:4.2.2-management",
    ]);
  });
});
