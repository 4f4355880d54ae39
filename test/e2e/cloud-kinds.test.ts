import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { copyExample, parity } from "../helpers/cli.js";
import { pythonClient, pythonModule } from "../helpers/python.js";
import { getJson, stackSecrets } from "../helpers/stack.js";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * Kafka, S3 storage (versitygw) and the AWS emulator (moto locally) as real servers on this
 * machine, and every connection variable parity hands out used as it is: by the app (kafkajs and
 * the AWS SDK for JavaScript), by each ecosystem's CLI and by its main Python driver.
 */
describe("kafka, s3 and localstack on the local target", { timeout: 180_000 }, () => {
  const dir = copyExample("receipts", {
    "  kafka:\n": "  kafka:\n    forward: 29092\n",
    "  s3:\n": "  s3:\n    forward: 27070\n",
    "  localstack:\n": "  localstack:\n    forward: 24566\n",
    "    port: 8080\n": "    port: 8080\n    forward: 28090\n",
  });
  const python = inject("python");
  let env: Record<string, string> = {};
  const site = () => {
    if (!python.ok) throw new Error(`the Python clients are not installed: ${python.reason}`);
    return python.site;
  };
  const secrets = () => stackSecrets(dir);

  beforeAll(() => {
    const up = parity(["up", "--detach"], dir);
    if (up.code !== 0) throw new Error(`parity up failed:\n${up.stdout}${up.stderr}`);
    const printed = parity(["env", "--format", "json", "--show-secrets"], dir);
    env = JSON.parse(printed.stdout) as Record<string, string>;
  });

  afterAll(() => {
    parity(["down", "--volumes"], dir);
  });

  it("hands out each ecosystem's standard variables, pointing at this machine", () => {
    expect(env).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:29092",
      KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "receipts",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:27070",
      AWS_ENDPOINT_URL: "http://127.0.0.1:24566",
    });
  });

  it("gives the app one set of AWS credentials: the storage's, which the emulator accepts too", () => {
    expect(env.AWS_ACCESS_KEY_ID).toBe("receipts");
    expect(env.AWS_SECRET_ACCESS_KEY).toBe(env.S3_PASSWORD);
    expect(env).toMatchObject({ AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1" });
    expect(Object.keys(env).filter((k) => k.endsWith("AWS_ACCESS_KEY_ID"))).toEqual([
      "AWS_ACCESS_KEY_ID",
    ]);
  });

  it("reports the version each service runs, and never a secret", () => {
    const status = parity(["status", "--json"], dir);
    const report = JSON.parse(status.stdout) as {
      resources: Array<{ name: string; state: string; version?: string; image?: string }>;
    };
    const by = Object.fromEntries(report.resources.map((r) => [r.name, r]));
    expect(by.kafka).toMatchObject({
      state: "ready",
      version: "4.4.0",
      image: "apache/kafka:4.4.0",
    });
    expect(by.s3).toMatchObject({
      state: "ready",
      version: "1.8.0",
      image: "versity/versitygw:v1.8.0",
    });
    expect(by.localstack).toMatchObject({ state: "ready", version: "5.2.6" });
    expect(by.receipts!.state).toBe("ready");
    for (const secret of secrets()) expect(status.stdout).not.toContain(secret);
  });

  it("serves an app that writes to all of them with the Node drivers, configured from env alone", async () => {
    expect((await getJson("http://127.0.0.1:28090/receipts?id=r1", "POST")).status).toBe(201);
    const { status, body } = await getJson("http://127.0.0.1:28090/receipts?id=r1");
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ receipt: "receipt r1", row: "r1", job: "r1" });
  });

  const config = join(dir, "client.properties");
  /** One of Kafka's console tools, on the bootstrap servers parity hands out. */
  const kafkaTool = (cls: string, args: string[], input?: string) =>
    spawnSync(kafkaTools(), [cls, "--bootstrap-server", env.KAFKA_BOOTSTRAP_SERVERS!, ...args], {
      encoding: "utf8",
      input,
      timeout: 60_000,
    });
  /** Every message of `orders` from the beginning, through a console consumer. */
  const consumeOrders = () =>
    kafkaTool("org.apache.kafka.tools.consumer.ConsoleConsumer", [
      "--topic",
      "orders",
      "--from-beginning",
      "--max-messages",
      "50",
      "--timeout-ms",
      "10000",
      "--consumer.config",
      config,
    ]).stdout.split("\n");

  it("works with Kafka's own console tools, given the SASL settings from the same variables", () => {
    writeFileSync(
      config,
      `security.protocol=${env.KAFKA_SECURITY_PROTOCOL}\nsasl.mechanism=${env.KAFKA_SASL_MECHANISM}\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${env.KAFKA_SASL_PASSWORD}";\n`,
    );
    const topics = kafkaTool("org.apache.kafka.tools.TopicCommand", [
      "--list",
      "--command-config",
      config,
    ]);
    expect(topics.stdout.split("\n"), topics.stderr).toContain("orders");
    const produced = kafkaTool(
      "org.apache.kafka.tools.ConsoleProducer",
      ["--topic", "orders", "--producer.config", config],
      "from-console\n",
    );
    expect(produced.status, produced.stderr).toBe(0);
    expect(consumeOrders()).toContain("from-console");
  });

  it("works with the AWS CLI: S3 on the storage, DynamoDB on the emulator", () => {
    const aws = (args: string[]) => pythonModule(site(), "awscli", args, env);
    const file = join(dir, "cli.txt");
    writeFileSync(file, "from the aws cli");
    expect(aws(["s3", "cp", file, "s3://receipts/cli.txt"]).status).toBe(0);
    expect(aws(["s3", "ls", "s3://receipts/"]).stdout).toContain("cli.txt");
    const tables = aws(["dynamodb", "list-tables"]);
    expect(JSON.parse(tables.stdout), tables.stderr).toEqual({ TableNames: ["receipts"] });
  });

  it("works with the main Python drivers: kafka-python and boto3", () => {
    expect(pythonClient(site(), ["kafka"], env)).toEqual({ found: true });
    expect(pythonClient(site(), ["aws", "receipts", "receipt-jobs", "receipts"], env)).toEqual({
      s3: "from boto3",
      sqs: expect.arrayContaining(["from boto3"]),
      dynamodb: "python",
    });
  });

  it("keeps Kafka's messages and the stored objects across down and up; the emulator's resources are made again", async () => {
    expect(parity(["down"], dir).code).toBe(0);
    const up = parity(["up", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    const { status, body } = await getJson("http://127.0.0.1:28090/receipts?id=r1");
    // S3 keeps the object; moto keeps nothing, so the row and the job are gone but the table is there.
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ receipt: "receipt r1", row: null, job: null });
    expect(pythonClient(site(), ["kafka"], env)).toEqual({ found: true });
    expect(consumeOrders()).toContain("from-console");
  });
});

/** The launcher of the Kafka build parity fetched, which runs the broker's own tools too. */
function kafkaTools(): string {
  const out = spawnSync(
    process.execPath,
    [join(ROOT, "bin/parity.js"), "-f", join(ROOT, "examples/receipts/parity.yaml"), "doctor"],
    {
      encoding: "utf8",
    },
  ).stdout;
  const path = /kafka: [\d.]+ at (\S+)/.exec(out)?.[1];
  if (!path) throw new Error(`doctor names no Kafka build:\n${out}`);
  return path;
}
