import { createHash } from "node:crypto";

/** What the broker and every client of it share. */
export const CLIENT_PORT = 9092;
export const CONTROLLER_PORT = 9093;
/** The listener that port forwards reach in the cluster, advertised as 127.0.0.1:<host port>. */
export const HOST_PORT = 29092;
/** Offset of the controller port from the client port on this machine, as 9093 follows 9092. */
export const COMPANION_PORTS = { controller: 1 } as const;
/** The topic parity's readiness check produces to and consumes from. */
export const READINESS_TOPIC = "parity.readiness";

/**
 * KRaft needs a cluster id before the first start. One derived from the stack and service keeps
 * a re-created volume and the local data directory stable, and differs between stacks.
 */
export function clusterId(stack: string, name: string): string {
  const id = createHash("sha256").update(`${stack}/${name}`).digest().subarray(0, 16);
  // Kafka rejects ids that start with '-' (they read as options).
  return id.toString("base64url").replace(/^-/, "A");
}

/** SASL/PLAIN for clients and the broker itself; one account, the stack's user. */
export function jaasConfig(user: string, password: string): string {
  return `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${password}" user_${user}="${password}";`;
}

/** The client side of the same account, as a properties file for Kafka's own tools. */
export function clientProperties(user: string, password: string): string {
  return [
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanism=PLAIN",
    `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${password}";`,
    "",
  ].join("\n");
}

/** Broker settings a single dev node needs: every replication factor 1, no rebalance delay. */
export const SINGLE_NODE: Record<string, string> = {
  "offsets.topic.replication.factor": "1",
  "offsets.topic.num.partitions": "1",
  "transaction.state.log.replication.factor": "1",
  "transaction.state.log.min.isr": "1",
  "share.coordinator.state.topic.replication.factor": "1",
  "share.coordinator.state.topic.min.isr": "1",
  "group.initial.rebalance.delay.ms": "0",
};
