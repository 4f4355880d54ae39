import { describe, expect, it } from "vitest";
import { kafkaServiceLinksRule } from "../../../src/check/rules/kafka-service-links.js";
import { SourceFile } from "../../../src/check/source.js";
import type { RuleFinding } from "../../../src/check/types.js";
import { code, testRule } from "../helpers.js";

const service = (extra = "", name = "kafka") =>
  code(`
    apiVersion: v1
    kind: Service
    metadata: {name: ${name}}
    spec:
      ports: [{port: 9092}]
  `) + extra;

/** A StatefulSet running `image`, with optional pod spec lines. */
const broker = (image = "apache/kafka:4.1.1", podSpec = "") =>
  code(`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: kafka}
    spec:
      template:
        spec:
          containers:
            - name: kafka
              image: ${image}
  `) + podSpec;

const LINKS = /gets `KAFKA_PORT=tcp:\/\/…` from the Service `kafka` \(line 1\)/;

testRule(kafkaServiceLinksRule, {
  valid: [
    {
      name: "enableServiceLinks: false",
      path: "k8s/kafka.yaml",
      code: service() + "---\n" + broker(undefined, "      enableServiceLinks: false\n"),
    },
    {
      name: "a headless Service named kafka injects nothing",
      path: "k8s/kafka.yaml",
      code: service("  clusterIP: None\n") + "---\n" + broker(),
    },
    {
      name: "an ExternalName Service injects nothing",
      path: "k8s/kafka.yaml",
      code:
        service("  type: ExternalName\n  externalName: kafka.example.com\n") + "---\n" + broker(),
    },
    {
      name: "a Service with another name",
      path: "k8s/kafka.yaml",
      code: service("", "kafka-broker") + "---\n" + broker(),
    },
    { name: "no Service in the set", path: "k8s/kafka.yaml", code: broker() },
    {
      name: "a Service in another namespace",
      path: "k8s/kafka.yaml",
      code:
        service().replace("{name: kafka}", "{name: kafka, namespace: a}") +
        "---\n" +
        broker().replace("{name: kafka}", "{name: kafka, namespace: b}"),
    },
    {
      name: "a client whose command replaces the entrypoint",
      path: "k8s/topics.yaml",
      code:
        service() +
        "---\n" +
        broker().replace(
          "image: apache/kafka:4.1.1",
          'image: apache/kafka:4.1.1\n          command: ["/opt/kafka/bin/kafka-topics.sh", "--list"]',
        ),
    },
    {
      name: "Bitnami's kafka reads only KAFKA_CFG_* variables",
      path: "k8s/kafka.yaml",
      code: service() + "---\n" + broker("bitnamilegacy/kafka:3.9"),
    },
    {
      name: "an app beside a Service named kafka",
      path: "k8s/app.yaml",
      code: service() + "---\n" + broker("ghcr.io/x/app:1"),
    },
  ],
  invalid: [
    {
      name: "apache/kafka beside a Service named kafka",
      path: "k8s/kafka.yaml",
      code: service() + "---\n" + broker(),
      errors: [
        {
          line: 15,
          column: 18,
          severity: "error",
          text: "apache/kafka:4.1.1",
          message: LINKS,
          advice: "enableServiceLinks: false",
        },
      ],
      output:
        service() +
        "---\n" +
        broker().replace("      containers:", "      enableServiceLinks: false\n      containers:"),
    },
    {
      name: "cp-kafka in a Deployment, enableServiceLinks: true, Service after it",
      path: "k8s/kafka.yaml",
      code:
        broker("confluentinc/cp-kafka:7.9.0", "      enableServiceLinks: true\n").replace(
          "StatefulSet",
          "Deployment",
        ) +
        "---\n" +
        service(),
      errors: [
        {
          line: 9,
          column: 18,
          severity: "error",
          text: "confluentinc/cp-kafka:7.9.0",
          message:
            "in Deployment `kafka` gets `KAFKA_PORT=tcp://…` from the Service `kafka` (line 12)",
        },
      ],
      output:
        broker("confluentinc/cp-kafka:7.9.0", "      enableServiceLinks: false\n").replace(
          "StatefulSet",
          "Deployment",
        ) +
        "---\n" +
        service(),
    },
  ],
});

describe("kafka-service-links across the scanned set", () => {
  const sts = new SourceFile("base/kafka.yaml", "manifest", broker());
  const svc = new SourceFile(
    "base/kafka-service.yaml",
    "manifest",
    "# clients use kafka:9092\n" + service(),
  );

  it("names the Service's file and line when it is in another file of the run", () => {
    const found = [
      ...kafkaServiceLinksRule.check(sts, { files: () => [sts, svc] }),
    ] as RuleFinding[];
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("from the Service `kafka` (base/kafka-service.yaml:2)"),
    ]);
  });

  it("sees only its own file without a run context", () => {
    expect([...kafkaServiceLinksRule.check(sts, {})]).toEqual([]);
  });
});
