import { rabbitmqDeploymentRule } from "../../../src/check/rules/rabbitmq-deployment.js";
import { code, testRule } from "../helpers.js";

const workload = (kind: string, image: string, env = "") =>
  code(`
    apiVersion: apps/v1
    kind: ${kind}
    metadata:
      name: mq
    spec:
      template:
        spec:
          containers:
            - name: rabbitmq
              image: ${image}
              env: [${env}]
  `);

const NEW_NODE = /every new pod has a new hostname, so RabbitMQ starts a new node/;

testRule(rabbitmqDeploymentRule, {
  valid: [
    { name: "a StatefulSet", path: "k8s/mq.yaml", code: workload("StatefulSet", "rabbitmq:4.2.2") },
    {
      name: "a Deployment of something else",
      path: "k8s/app.yaml",
      code: workload("Deployment", "ghcr.io/x/rabbitmq-consumer:1"),
    },
    {
      name: "the Cluster Operator's own Deployment",
      path: "k8s/operator.yaml",
      code: workload("Deployment", "rabbitmqoperator/cluster-operator:2.16.0"),
    },
    {
      name: "a fixed node name survives new pods",
      path: "k8s/mq.yaml",
      code: workload(
        "Deployment",
        "rabbitmq:4.2.2",
        "{name: RABBITMQ_NODENAME, value: rabbit@localhost}",
      ),
    },
    {
      name: "a Job using the image as a client",
      path: "k8s/job.yaml",
      code: workload("Job", "rabbitmq:4.2.2-management"),
    },
    {
      name: "an init container with the image",
      path: "k8s/app.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              initContainers: [{name: wait, image: "rabbitmq:4.2.2"}]
              containers: [{name: app, image: "ghcr.io/x/app:1"}]
      `),
    },
  ],
  invalid: [
    {
      name: "the official image in a Deployment",
      path: "k8s/mq.yaml",
      code: workload("Deployment", "rabbitmq:4.2.2-management"),
      errors: [
        {
          line: 2,
          column: 7,
          severity: "error",
          text: "Deployment",
          message: NEW_NODE,
          advice: "StatefulSet",
        },
      ],
    },
    {
      name: "a node name built from the pod's hostname is not fixed; a quoted kind",
      path: "k8s/mq.yaml",
      code: workload(
        '"Deployment"',
        "bitnami/rabbitmq:3.13",
        "{name: RABBITMQ_NODENAME, value: rabbit@$(POD_NAME)}",
      ),
      errors: [
        {
          line: 2,
          column: 8,
          severity: "error",
          text: "Deployment",
          message: "Deployment `mq` runs `bitnami/rabbitmq:3.13`",
          advice: "RabbitMQ Cluster Operator",
        },
      ],
    },
    {
      name: "one finding per Deployment, in a List too",
      path: "k8s/list.yaml",
      code: code(`
        kind: List
        items:
          - kind: Deployment
            metadata: {name: a}
            spec:
              template:
                spec:
                  containers:
                    - {name: one, image: "rabbitmq:4.2.2"}
                    - {name: two, image: "rabbitmq:4.2.2"}
      `),
      errors: [{ line: 3, column: 11, severity: "error", message: "Deployment `a`" }],
    },
  ],
});
