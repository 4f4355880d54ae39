import type { MavenDistribution } from "../kind.js";

/**
 * Apache Kafka's broker and tools from Maven Central, the jars the `apache/kafka` image ships, on
 * the user's Java (17 or later, as Kafka 4 requires). The logging back end is the image's: log4j2.
 */
export const kafkaDistribution: MavenDistribution = {
  from: "maven",
  artifact: "org.apache.kafka:kafka_2.13",
  needs: "Java 17 and Maven (mvn)",
  serverVersion: (version) => version,
  binDir: "bin",
  launcher: "kafka-run-class",
  dependencies: (version) => [
    { coordinates: `org.apache.kafka:kafka_2.13:${version}` },
    // The console tools, without Connect's runtime, which the broker never loads.
    {
      coordinates: `org.apache.kafka:kafka-tools:${version}`,
      exclude: ["org.apache.kafka:connect-runtime"],
    },
    { coordinates: "org.slf4j:slf4j-api:2.0.17" },
    { coordinates: "org.apache.logging.log4j:log4j-slf4j2-impl:2.25.5" },
  ],
};
