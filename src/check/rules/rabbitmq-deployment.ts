import type { Rule } from "../types.js";
import { called, dependencyWords, env, workloads } from "../workloads.js";
import { get, valueStart } from "../yaml.js";

const ADVICE =
  "Run RabbitMQ as a StatefulSet (a stable hostname, so a stable node name, and a volumeClaimTemplate at `/var/lib/rabbitmq`) with a headless Service in `serviceName`, or through the RabbitMQ Cluster Operator (a `RabbitmqCluster` resource; credentials in the `<name>-default-user` Secret).";

/** RabbitMQ in a Deployment: each new pod is a new node with an empty data directory. */
export const rabbitmqDeploymentRule: Rule = {
  meta: {
    id: "rabbitmq-deployment",
    severity: "error",
    description: "RabbitMQ run by a Deployment, whose pods get a new node name each time",
    docs:
      "RabbitMQ keeps its data (users, vhosts, definitions, queues, messages) in a directory " +
      "named after its node name, `rabbit@<hostname>`. A Deployment's pods get a new random " +
      "hostname on every rollout, reschedule or restart of the pod, so each new pod is a new " +
      "node that starts empty, even on the same volume, and the old node's data is stranded. " +
      "The rule reports a Deployment whose containers run a rabbitmq image (official, " +
      "-management, or a distribution of it), unless the container fixes the node name with a " +
      "literal RABBITMQ_NODENAME.",
    advice: ADVICE,
  },
  fileTypes: ["manifest"],
  triggers: [dependencyWords(["rabbitmq"], ["Deployment"])],
  *check(file) {
    for (const workload of workloads(file)) {
      if (workload.kind !== "Deployment") continue;
      for (const container of workload.containers) {
        if (container.init || container.kind !== "rabbitmq" || !container.image) continue;
        // A fixed node name (not `$(POD_NAME)`-style) survives new pods: the known workaround.
        const nodename = env(container, "RABBITMQ_NODENAME")?.value;
        if (nodename && !nodename.includes("$(")) continue;
        const kind = get(workload.node, "kind")!;
        const start = valueStart(kind);
        yield {
          start,
          end: start + "Deployment".length,
          message: `${called("Deployment", workload.node, ["metadata", "name"], file)} runs \`${container.image.display}\`: every new pod has a new hostname, so RabbitMQ starts a new node (\`rabbit@<hostname>\`) with empty data`,
        };
        break;
      }
    }
  },
};
