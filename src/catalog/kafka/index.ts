import { majorOf, type DependencyKind } from "../kind.js";
import {
  CLIENT_PORT,
  COMPANION_PORTS,
  CONTROLLER_PORT,
  HOST_PORT,
  READINESS_TOPIC,
  SINGLE_NODE,
  clusterId,
} from "./config.js";
import { kafkaLocal } from "./local.js";

const DATA = "/var/lib/kafka/data";
const TOOLS = "/opt/kafka/bin";
/** Written by the first probe that created the spec's topics; a restarted container starts over. */
const PROVISIONED = "/tmp/parity-provisioned";
/** The password as the container sees it, for `$(…)` expansion in the settings that embed it. */
const PASSWORD_ENV = "PARITY_KAFKA_PASSWORD";

/** A property of the broker as the `apache/kafka` image reads it from its environment. */
const envName = (property: string) =>
  `KAFKA_${property.replace(/_/g, "__").replace(/-/g, "___").replace(/\./g, "_").toUpperCase()}`;

/**
 * Apache Kafka in KRaft mode (one node, broker and controller), the ASF's `apache/kafka` image,
 * with SASL/PLAIN for the stack's user so clients log in as they do in production.
 */
export const kafka: DependencyKind = {
  name: "kafka",
  description: "Apache Kafka, KRaft mode (official image apache/kafka)",
  options: ["user", "topics"],
  port: CLIENT_PORT,
  companionPorts: COMPANION_PORTS,
  local: kafkaLocal,
  profile(service, stack, name) {
    const version = service.version ?? "4.4.0";
    const user = service.user ?? stack;
    const topics = service.topics ?? [];
    const hostForward = service.forward === false ? undefined : (service.forward ?? CLIENT_PORT);
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="$(${PASSWORD_ENV})" user_${user}="$(${PASSWORD_ENV})";`;
    const settings: Record<string, string> = {
      "node.id": "1",
      "process.roles": "broker,controller",
      "controller.quorum.voters": `1@localhost:${CONTROLLER_PORT}`,
      "controller.listener.names": "CONTROLLER",
      listeners: `SASL_PLAINTEXT://:${CLIENT_PORT},HOST://:${HOST_PORT},CONTROLLER://localhost:${CONTROLLER_PORT}`,
      // In the cluster the Service's name; through a port forward, the host's own address.
      "advertised.listeners": `SASL_PLAINTEXT://${name}:${CLIENT_PORT}${hostForward ? `,HOST://127.0.0.1:${hostForward}` : ""}`,
      "listener.security.protocol.map":
        "CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT",
      "inter.broker.listener.name": "SASL_PLAINTEXT",
      "sasl.enabled.mechanisms": "PLAIN",
      "sasl.mechanism.inter.broker.protocol": "PLAIN",
      "listener.name.sasl_plaintext.plain.sasl.jaas.config": jaas,
      "listener.name.host.plain.sasl.jaas.config": jaas,
      "log.dirs": DATA,
      ...SINGLE_NODE,
    };
    const client = `${TOOLS}/kafka-topics.sh --bootstrap-server localhost:${CLIENT_PORT} --command-config /tmp/parity-client.properties`;
    const provision = [...topics, READINESS_TOPIC]
      .map(
        (t) =>
          `${client} --create --if-not-exists --topic ${t} --partitions 1 --replication-factor 1 >/dev/null`,
      )
      .join(" && ");
    // Ready once the spec's topics exist and a message goes through; later, once the broker answers.
    const probeScript = [
      `printf 'security.protocol=SASL_PLAINTEXT\\nsasl.mechanism=PLAIN\\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="%s";\\n' "$${PASSWORD_ENV}" > /tmp/parity-client.properties`,
      `if [ ! -f ${PROVISIONED} ]; then ${provision} && echo ready | ${TOOLS}/kafka-console-producer.sh --bootstrap-server localhost:${CLIENT_PORT} --producer.config /tmp/parity-client.properties --topic ${READINESS_TOPIC} && ${TOOLS}/kafka-console-consumer.sh --bootstrap-server localhost:${CLIENT_PORT} --consumer.config /tmp/parity-client.properties --topic ${READINESS_TOPIC} --from-beginning --max-messages 1 --timeout-ms 20000 >/dev/null && touch ${PROVISIONED}; else ${TOOLS}/kafka-broker-api-versions.sh --bootstrap-server localhost:${CLIENT_PORT} --command-config /tmp/parity-client.properties >/dev/null; fi`,
    ].join("\n");
    return {
      image: `${service.image ?? "apache/kafka"}:${version}`,
      version,
      major: majorOf(version),
      ports: [
        { name: "kafka", port: CLIENT_PORT },
        ...(hostForward ? [{ name: "host", port: HOST_PORT }] : []),
      ],
      forwardTo: HOST_PORT,
      component: "broker",
      env: [
        { name: PASSWORD_ENV, password: true },
        { name: "CLUSTER_ID", value: clusterId(stack, name) },
        ...Object.entries(settings).map(([k, value]) => ({ name: envName(k), value })),
        { name: "KAFKA_HEAP_OPTS", value: "-Xms128m -Xmx512m" },
      ],
      args: [],
      dataPath: DATA,
      readiness: {
        exec: ["sh", "-c", probeScript],
        timeoutSeconds: 60,
        periodSeconds: 10,
        initialDelaySeconds: 5,
      },
      liveness: {
        tcpPort: CLIENT_PORT,
        timeoutSeconds: 5,
        periodSeconds: 20,
        initialDelaySeconds: 60,
      },
      resources: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi" },
      user,
      database: undefined,
      urlEnv: "KAFKA_BOOTSTRAP_SERVERS",
      url: ({ host, port }) => `${host}:${port}`,
      clientEnv: (_endpoint, password) => ({
        KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_SASL_USERNAME: user,
        KAFKA_SASL_PASSWORD: password,
      }),
      // The broker advertises the Service's name; inside its own pod that name is itself, so the
      // probe's tools reach the broker before the Service routes to it.
      pod: {
        hostAliases: [{ ip: "127.0.0.1", hostnames: [name] }],
        securityContext: { fsGroup: 1000 }, // the image runs as appuser (1000)
      },
      waitScript: (host, port) =>
        `until nc -z -w 2 ${host} ${port}; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
