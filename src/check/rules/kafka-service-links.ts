import { isScalar } from "yaml";
import { bitnamiImage } from "../bitnami.js";
import { addPair, replaceNode } from "../edit.js";
import type { SourceFile } from "../source.js";
import type { Rule, RuleFinding } from "../types.js";
import {
  called,
  dependencyWords,
  nearestObjects,
  sameNamespace,
  workloads,
  type FilesContext,
  type K8sObject,
} from "../workloads.js";
import { get, stringOf } from "../yaml.js";

const ADVICE =
  "Set `enableServiceLinks: false` in the pod spec of the Kafka workload (Kubernetes then injects no `<SERVICE>_PORT` variables), or give the Service another name than `kafka`.";

/**
 * Kafka pods beside a Service named `kafka`. Kubernetes injects `KAFKA_PORT=tcp://…` (and
 * KAFKA_SERVICE_HOST, KAFKA_PORT_9092_TCP…) into every pod of the namespace that does not opt
 * out; Kafka images read KAFKA_* variables as broker settings. The finding is on the pod (where
 * the fix goes), not on the Service: renaming the Service is the other fix, and a Service alone
 * cannot tell whether the broker in its namespace opts out.
 */
export const kafkaServiceLinksRule: Rule = {
  meta: {
    id: "kafka-service-links",
    severity: "error",
    description: "A Kafka pod that receives KAFKA_PORT from a Service named kafka",
    docs:
      "For every Service with a cluster IP in a pod's namespace Kubernetes injects service " +
      "link variables named after it, so a Service named `kafka` gives each pod " +
      "`KAFKA_PORT=tcp://10.x.y.z:9092`, `KAFKA_SERVICE_HOST`, `KAFKA_PORT_9092_TCP_…`. Kafka " +
      "images map KAFKA_* variables to broker settings: confluentinc/cp-kafka exits ('port is " +
      "deprecated. Please use KAFKA_ADVERTISED_LISTENERS instead'), apache/kafka writes them " +
      "into server.properties as bogus settings. The rule reports each container running a " +
      "kafka image (apache/kafka, apache/kafka-native, confluentinc/cp-kafka, cp-server, …; not " +
      "Bitnami's, which reads only KAFKA_CFG_*) whose pod spec does not set " +
      "`enableServiceLinks: false` when the scanned set (the same file, else its directory, " +
      "else the run) has a Service named `kafka` in a namespace the pod may share. Headless and ExternalName Services inject nothing and do not count; a " +
      "container whose `command` replaces the image's entrypoint (a topic-creating Job) does " +
      "not read the variables and is not reported.",
    advice: ADVICE,
  },
  fileTypes: ["manifest"],
  triggers: [dependencyWords(["kafka"])],
  check(file, context?: FilesContext) {
    return check(file, context);
  },
};

function* check(file: SourceFile, context: FilesContext | undefined): Generator<RuleFinding> {
  for (const workload of workloads(file)) {
    const links = get(workload.spec, "enableServiceLinks");
    if (isScalar(links) && (links.value === false || links.value === "false")) continue;
    const kafka = workload.containers.filter(
      // A replaced entrypoint (a topic-creating Job) does not turn the variables into settings.
      // Bitnami's kafka maps only KAFKA_CFG_* variables to settings.
      (c) => c.kind === "kafka" && c.image && !bitnamiImage(c.image.ref) && !get(c.node, "command"),
    );
    if (!kafka.length) continue;
    const service = nearestObjects(
      file,
      context,
      (o) =>
        o.kind === "Service" &&
        o.name === "kafka" &&
        injects(o) &&
        sameNamespace(o.namespace, workload.namespace),
      (text) => text.includes("Service") && text.includes("kafka"),
    )[0];
    if (!service) continue;
    const edit = links
      ? replaceNode(links, "false")
      : addPair(file.text, workload.spec, "enableServiceLinks", false, [
          "containers",
          "initContainers",
        ]);
    const fix = edit && {
      description: "set `enableServiceLinks: false` in the pod spec",
      edits: [edit],
    };
    const line = service.file.position(service.object.node.range?.[0] ?? 0).line;
    const where = service.file === file ? `line ${line}` : `${service.file.path}:${line}`;
    for (const { image } of kafka) {
      yield {
        ...(fix ? { fix } : {}),
        start: image!.start,
        end: image!.end,
        message: `\`${image!.display}\` in ${called(workload.kind, workload.node, ["metadata", "name"], file)} gets \`KAFKA_PORT=tcp://…\` from the Service \`kafka\` (${where}) and reads it as a broker setting: its pod spec lacks \`enableServiceLinks: false\``,
      };
    }
  }
}

/** Whether a Service injects link variables: it has a cluster IP (not headless, not ExternalName). */
function injects(service: K8sObject): boolean {
  const spec = get(service.node, "spec");
  return (
    stringOf(get(spec, "clusterIP")) !== "None" && stringOf(get(spec, "type")) !== "ExternalName"
  );
}
