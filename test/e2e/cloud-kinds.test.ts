import { spawnSync } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { copyFixture, parity } from "../helpers/cli.js";
import { pythonClient, pythonModule } from "../helpers/python.js";
import { getJson } from "../helpers/stack.js";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * Kafka, S3 storage (versitygw) and the AWS emulator (moto locally) as real servers on this
 * machine, and every connection variable parity hands out used as it is: by the app (kafkajs and
 * the AWS SDK for JavaScript), by each ecosystem's CLI and by its main Python driver.
 */
describe("kafka, s3 and localstack on the local target", { timeout: 180_000 }, () => {
  const dir = copyFixture("cloud-stack");
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const python = inject("python");
  let env: Record<string, string> = {};
  const site = () => {
    if (!python.ok) throw new Error(`the Python clients are not installed: ${python.reason}`);
    return python.site;
  };
  const secrets = () =>
    readFileSync(join(dir, ".parity/secrets.env"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => l.split("=")[1]!);

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
    expect(by.kafka).toMatchObject({ state: "ready", version: "4.4.0", image: "apache/kafka:4.4.0" });
    expect(by.s3).toMatchObject({ state: "ready", version: "1.8.0", image: "versity/versitygw:v1.8.0" });
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
});
