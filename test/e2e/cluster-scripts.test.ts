import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafka } from "../../src/catalog/kafka/index.js";
import { s3 } from "../../src/catalog/s3/index.js";
import { ensureBuckets } from "../../src/catalog/aws.js";
import { serviceSchema } from "../../src/spec/schema.js";
import { copyFixture, parity } from "../helpers/cli.js";

/**
 * What the cluster runs inside the images, run here against the same servers: Kafka's readiness
 * probe (topics, a message through, then the broker's API versions) with the image's tool names
 * mapped onto the fetched build, and a bucket made as the S3 setup container makes it.
 */
describe("the cluster's scripts against real servers", { timeout: 180_000 }, () => {
  const dir = copyFixture("local-stack");
  const password = () =>
    /^KAFKA_PASSWORD=(.+)$/m.exec(readFileSync(join(dir, ".parity/secrets.env"), "utf8"))![1]!;
  const s3Password = () =>
    /^S3_PASSWORD=(.+)$/m.exec(readFileSync(join(dir, ".parity/secrets.env"), "utf8"))![1]!;

  beforeAll(() => {
    writeFileSync(
      join(dir, "parity.yaml"),
      "name: probes\nservices:\n  kafka:\n    forward: 23292\n  s3:\n    forward: 23170\n",
    );
    // The setup container's way: a directory in the back end's root, before the server starts.
    mkdirSync(join(dir, ".parity/data/s3/made-by-setup"), { recursive: true });
    const up = parity(["up", "--detach"], dir);
    if (up.code !== 0) throw new Error(`parity up failed:\n${up.stderr}`);
  });
  afterAll(() => {
    parity(["down", "--volumes"], dir);
  });

  /** /opt/kafka/bin/<tool>.sh of the image, as shims onto the fetched build's launcher. */
  function imageTools(): string {
    const doctor = parity(["doctor"], dir).stdout;
    const launcher = /kafka: \S+ at (\S+)/.exec(doctor)![1]!;
    const tools = join(dir, "opt-kafka-bin");
    mkdirSync(tools, { recursive: true });
    const classes: Record<string, string> = {
      "kafka-topics.sh": "org.apache.kafka.tools.TopicCommand",
      "kafka-console-producer.sh": "org.apache.kafka.tools.ConsoleProducer",
      "kafka-console-consumer.sh": "org.apache.kafka.tools.consumer.ConsoleConsumer",
      "kafka-broker-api-versions.sh": "org.apache.kafka.tools.BrokerApiVersionsCommand",
    };
    for (const [tool, cls] of Object.entries(classes)) {
      writeFileSync(join(tools, tool), `#!/bin/sh\nexec ${launcher} ${cls} "$@"\n`);
      chmodSync(join(tools, tool), 0o755);
    }
    return tools;
  }

  function probeScript(marker: string): string {
    const profile = kafka.profile(
      serviceSchema.parse({ topics: ["orders", "orders.dlq"] }),
      "probes",
      "kafka",
    );
    const exec = (profile.readiness as { exec: string[] }).exec;
    expect(exec.slice(0, 2)).toEqual(["sh", "-c"]);
    return exec[2]!
      .replaceAll("/opt/kafka/bin", imageTools())
      .replaceAll("localhost:9092", "127.0.0.1:23292")
      .replaceAll("/tmp/parity-provisioned", marker)
      .replaceAll("/tmp/parity-client.properties", join(dir, "probe-client.properties"));
  }

  it("Kafka's probe creates the topics, sends a message through, and then only asks the broker", () => {
    const marker = join(dir, "provisioned");
    const script = probeScript(marker);
    const run = (pw: string) =>
      spawnSync("sh", ["-c", script], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, PARITY_KAFKA_PASSWORD: pw },
        timeout: 120_000,
      });
    const wrong = run("not-the-password");
    expect(wrong.status).not.toBe(0);
    expect(existsSync(marker)).toBe(false);

    const first = run(password());
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const topics = spawnSync(
      join(imageTools(), "kafka-topics.sh"),
      [
        "--bootstrap-server",
        "127.0.0.1:23292",
        "--list",
        "--command-config",
        join(dir, "probe-client.properties"),
      ],
      { encoding: "utf8" },
    );
    expect(topics.stdout.split("\n")).toEqual(
      expect.arrayContaining(["orders", "orders.dlq", "parity.readiness"]),
    );

    const again = run(password());
    expect(again.status, again.stderr).toBe(0);
  });

  it("a bucket made as a directory, as the S3 setup container makes it, is a bucket to the account", async () => {
    const profile = s3.profile(serviceSchema.parse({ buckets: ["made-by-setup"] }), "probes", "s3");
    expect(profile.setupScript).toBe("mkdir -p /data/made-by-setup");
    const { S3Client, PutObjectCommand, GetObjectCommand } = await import("@aws-sdk/client-s3");
    const endpoint = {
      endpoint: "http://127.0.0.1:23170",
      accessKey: "probes",
      secretKey: s3Password(),
    };
    // Listed, so parity's own readiness creates nothing here.
    await ensureBuckets(endpoint, ["made-by-setup"]);
    const client = new S3Client({
      endpoint: endpoint.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: endpoint.accessKey, secretAccessKey: endpoint.secretKey },
    });
    await client.send(new PutObjectCommand({ Bucket: "made-by-setup", Key: "a.txt", Body: "a" }));
    const got = await client.send(new GetObjectCommand({ Bucket: "made-by-setup", Key: "a.txt" }));
    expect(await got.Body!.transformToString()).toBe("a");
    expect(
      existsSync(
        join(dirname(join(dir, ".parity/data/s3/made-by-setup")), "made-by-setup", "a.txt"),
      ),
    ).toBe(true);
    client.destroy();
  });
});
