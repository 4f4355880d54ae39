import { isMap, isScalar, isSeq } from "yaml";
import { addPair, replaceNode } from "../edit.js";
import type { SourceFile } from "../source.js";
import type { Fix, Rule, RuleFinding } from "../types.js";
import {
  called,
  nearestObjects,
  sameNamespace,
  volumes,
  workloads,
  type FilesContext,
  type K8sObject,
} from "../workloads.js";
import { get, getIn, stringOf, valueStart } from "../yaml.js";

const ADVICE =
  "Add `strategy: {type: Recreate}` to the Deployment's spec, so the old pod releases the volume before the new one starts (or run it as a StatefulSet).";

/** A Deployment that rolls a ReadWriteOnce claim over: the new pod waits for a volume it cannot get. */
export const rwoPvcRollingUpdateRule: Rule = {
  meta: {
    id: "rwo-pvc-rolling-update",
    severity: "error",
    description: "A Deployment that mounts a ReadWriteOnce claim with the RollingUpdate strategy",
    docs:
      "A Deployment's default strategy, RollingUpdate, starts the new pod before it stops the " +
      "old one. A ReadWriteOnce (or ReadWriteOncePod) volume attaches to one node (one pod), so " +
      "a new pod scheduled elsewhere waits on a Multi-Attach error and the rollout hangs; on " +
      "the same node two servers write one data directory at once. The rule finds the claim by " +
      "name among the PersistentVolumeClaims of the scanned set (the same file first, then the " +
      "same directory, then the run) and skips claims it cannot find or whose access modes " +
      "are ambiguous. `maxSurge: 0` (old pod first) and `type: Recreate` are fine.",
    advice: ADVICE,
  },
  fileTypes: ["manifest"],
  triggers: ["persistentVolumeClaim"],
  check(file, context?: FilesContext) {
    return check(file, context);
  },
};

function* check(file: SourceFile, context: FilesContext | undefined): Generator<RuleFinding> {
  for (const workload of workloads(file)) {
    if (workload.kind !== "Deployment" || !surgesFirst(workload.node)) continue;
    for (const volume of volumes(workload)) {
      const { claimName, claimNode } = volume;
      if (!claimName || !claimNode) continue;
      const claims = nearestObjects(
        file,
        context,
        (o) =>
          o.kind === "PersistentVolumeClaim" &&
          o.name === claimName &&
          sameNamespace(o.namespace, workload.namespace),
        (text) => text.includes("PersistentVolumeClaim") && text.includes(claimName),
      );
      const modes = new Set(claims.map(({ object }) => singleNode(object)));
      if (modes.size !== 1 || !modes.has(true)) continue;
      const where = claims[0]!.file === file ? "" : ` (${claims[0]!.file.path})`;
      const start = valueStart(claimNode);
      const fix = recreate(file, workload.node);
      yield {
        ...(fix ? { fix } : {}),
        start,
        end: start + claimName.length,
        message: `${called("Deployment", workload.node, ["metadata", "name"], file)} mounts the ReadWriteOnce claim \`${claimName}\`${where} with the RollingUpdate strategy: the new pod starts before the old one releases the volume`,
      };
    }
  }
}

/**
 * `strategy: {type: Recreate}` in the Deployment's spec: added when it has no strategy, or set
 * when its strategy is only a `type` (Recreate rejects `rollingUpdate` settings, which are the
 * owner's to remove).
 */
function recreate(file: SourceFile, deployment: K8sObject["node"]): Fix | undefined {
  const spec = get(deployment, "spec");
  const strategy = get(spec, "strategy");
  const edit = !strategy
    ? addPair(file.text, spec, "strategy", { type: "Recreate" }, ["template"])
    : isMap(strategy) && strategy.items.length === 1 && isScalar(get(strategy, "type"))
      ? replaceNode(get(strategy, "type"), "Recreate")
      : undefined;
  return edit && { description: "set the Deployment's strategy to Recreate", edits: [edit] };
}

/** Whether the strategy starts a new pod before stopping the old one (the default does). */
function surgesFirst(deployment: K8sObject["node"]): boolean {
  const strategy = getIn(deployment, ["spec", "strategy"]);
  const type = stringOf(get(strategy, "type"));
  if (type !== undefined && type !== "RollingUpdate") return false;
  const surge = getIn(strategy, ["rollingUpdate", "maxSurge"]);
  return !(isScalar(surge) && /^0+%?$/.test(String(surge.value)));
}

/** Whether a claim's access modes tie it to one node (ReadWriteOnce/-Pod without ReadWriteMany). */
function singleNode(claim: K8sObject): boolean | undefined {
  const modes = getIn(claim.node, ["spec", "accessModes"]);
  if (!isSeq(modes)) return undefined;
  const values = modes.items.map((m) => stringOf(m));
  if (values.includes("ReadWriteMany")) return false;
  return values.includes("ReadWriteOnce") || values.includes("ReadWriteOncePod") ? true : false;
}
