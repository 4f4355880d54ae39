import { join } from "node:path";
import type { Kafka } from "kafkajs";
import type { LocalContext, LocalRecipe } from "../kind.js";
import {
  COMPANION_PORTS,
  READINESS_TOPIC,
  SINGLE_NODE,
  clientProperties,
  clusterId,
  jaasConfig,
} from "./config.js";
import { kafkaDistribution } from "./distribution.js";

const LAUNCHER = "kafka-run-class";
/** A small heap and no JIT beyond C1: a dev broker's start is its critical path. */
const JVM = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto";

const properties = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n") + "\n";

function serverProperties(ctx: LocalContext): string {
  const controller = ctx.ports.controller!;
  const jaas = jaasConfig(ctx.user!, ctx.password);
  return properties({
    "node.id": "1",
    "process.roles": "broker,controller",
    "controller.quorum.bootstrap.servers": `127.0.0.1:${controller}`,
    "controller.listener.names": "CONTROLLER",
    listeners: `SASL_PLAINTEXT://127.0.0.1:${ctx.port},CONTROLLER://127.0.0.1:${controller}`,
    "advertised.listeners": `SASL_PLAINTEXT://127.0.0.1:${ctx.port}`,
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
    "inter.broker.listener.name": "SASL_PLAINTEXT",
    "sasl.enabled.mechanisms": "PLAIN",
    "sasl.mechanism.inter.broker.protocol": "PLAIN",
    "listener.name.sasl_plaintext.plain.sasl.jaas.config": jaas,
    "log.dirs": ctx.dataDir,
    ...SINGLE_NODE,
  });
}

/** log4j2 to the console (parity's log file); no shutdown hook, so SIGTERM's last lines are kept. */
const LOG4J2 = `status = warn
shutdownHook = disable
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = OUT
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
`;

const jvmEnv = (ctx: LocalContext) => ({
  JAVA_OPTS: `${JVM} -Dlog4j2.configurationFile=${join(ctx.runDir, "log4j2.properties")}`,
});

/**
 * Kafka as a process: one KRaft node (broker and controller) on 127.0.0.1, its storage formatted
 * once with the stack's cluster id, SASL/PLAIN with the generated password, as in the cluster.
 */
export const kafkaLocal: LocalRecipe = {
  distribution: kafkaDistribution,
  binaries: [LAUNCHER],
  searchDirs: () => [],
  // The build's folder is its version: .../kafka_2.13/4.4.0/bin/kafka-run-class; no JVM to start.
  versionProbe: { bin: LAUNCHER, pattern: /kafka_2\.13\/(\d+(?:\.\d+)*)\/bin\// },
  unprivileged: false,
  extraPorts: (_service, port) => ({ controller: port + COMPANION_PORTS.controller }),
  files: (ctx) => [
    { path: join(ctx.runDir, "server.properties"), content: serverProperties(ctx) },
    {
      path: join(ctx.runDir, "client.properties"),
      content: clientProperties(ctx.user!, ctx.password),
    },
    { path: join(ctx.runDir, "log4j2.properties"), content: LOG4J2 },
  ],
  init: (ctx) => [
    {
      bin: LAUNCHER,
      args: [
        "kafka.tools.StorageTool",
        "format",
        "--standalone",
        "--ignore-formatted",
        "-t",
        clusterId(ctx.stack, ctx.name),
        "-c",
        join(ctx.runDir, "server.properties"),
      ],
      env: jvmEnv(ctx),
    },
  ],
  initializedMarker: "meta.properties",
  server: (ctx) => ({
    bin: LAUNCHER,
    args: ["kafka.Kafka", join(ctx.runDir, "server.properties")],
    env: jvmEnv(ctx),
  }),
  async ready(ctx) {
    const { Kafka, logLevel } = await import("kafkajs");
    const client = new Kafka({
      clientId: "parity-readiness",
      brokers: [`127.0.0.1:${ctx.port}`],
      sasl: { mechanism: "plain", username: ctx.user!, password: ctx.password },
      ssl: false,
      connectionTimeout: 2000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    try {
      const topics = [...(ctx.spec.topics ?? []), READINESS_TOPIC];
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length)
        await admin.createTopics({
          topics: missing.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
          waitForLeaders: true,
        });
    } finally {
      await admin.disconnect();
    }
    await roundTrip(client);
  },
  stopSignal: "SIGTERM", // a controlled shutdown: the log is flushed and closed cleanly
  strays: () => [],
};

/**
 * A message produced to the readiness topic and read back through a consumer group: what "ready"
 * means for a broker. The group reads from the beginning the first time and from its committed
 * offset after, so the message is found however fast the group's assignment comes.
 */
async function roundTrip(client: Kafka): Promise<void> {
  const token = `ready-${process.pid}-${Date.now()}`;
  const consumer = client.consumer({
    groupId: "parity-readiness",
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
  });
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: READINESS_TOPIC, fromBeginning: true });
    const received = new Promise<void>((resolve, reject) => {
      // A new cluster has no group coordinator for a moment: the consumer stops, the attempt fails.
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() === token) resolve();
          },
        })
        .catch(reject);
    });
    // It may fail while the message is still being produced: the race below reads the failure.
    received.catch(() => {});
    const producer = client.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: READINESS_TOPIC, messages: [{ value: token }], acks: -1 });
    } finally {
      await producer.disconnect();
    }
    await Promise.race([
      received,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the message did not come back within 10 s")),
          10_000,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
