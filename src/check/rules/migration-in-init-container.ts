import { isScalar, isSeq, type Node } from "yaml";
import type { SourceFile } from "../source.js";
import { maskedTemplate } from "../template.js";
import type { Rule, ScanContext, Severity } from "../types.js";
import {
  called,
  nearestObjects,
  sameNamespace,
  workloads,
  type K8sObject,
  type Workload,
} from "../workloads.js";
import { get, getIn, offsetIn, stringOf } from "../yaml.js";

// Migration commands, each within one shell command (no `;`, `&`, `|` or line break between the
// tool and its subcommand), so `alembic current; echo upgrade` is not one.
const W = "[^;&|\\n]*?";
const MIGRATIONS: readonly RegExp[] = [
  new RegExp(`\\balembic\\b${W}\\bupgrade\\b`),
  /\bprisma\s+migrate\s+(?:deploy|dev|reset)\b/,
  new RegExp(`\\bknex\\b${W}\\bmigrate:(?:latest|up)\\b`),
  new RegExp(`\\b(?:rails|rake)\\b${W}\\bdb:(?:migrate|prepare|setup)\\b(?!:status)`),
  /\b(?:manage\.py|django-admin)\s+migrate\b/,
  new RegExp(`\\bflyway\\b${W}\\bmigrate\\b`),
  new RegExp(`\\bliquibase\\b${W}\\bupdate\\b(?![\\w-])`),
  new RegExp(`\\bgoose\\b${W}\\bup(?:-to|-by-one)?\\b`),
  new RegExp(`\\bsequelize(?:-cli)?\\b${W}\\bdb:migrate\\b(?!:status)`),
  new RegExp(`\\btypeorm\\b${W}\\bmigration:run\\b`),
  new RegExp(`\\bnode-pg-migrate\\b${W}\\bup\\b`),
  new RegExp(`\\bmigrate\\b${W}\\s-(?:path|source)[= ]${W}\\bup\\b`), // golang-migrate
  /\b(?:npm\s+run|yarn(?:\s+run)?|pnpm(?:\s+run)?)\s+(?:db:)?migrate(?::(?!status)[\w:-]+)?(?![\w:-])/,
];

const TOGETHER =
  "every pod runs it as it starts, so pods that start together (more replicas, an autoscaler, a rolling update) run it at the same time";
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const WAIT = `command: ["sh", "-c", "until pg_isready -h db; do sleep 1; done"]`;

/** Schema migrations run by every pod of a workload instead of once. */
export const migrationInInitContainerRule: Rule = {
  meta: {
    id: "migration-in-init-container",
    severity: "error",
    description:
      "Database migrations run in the initContainers of a Deployment, StatefulSet or DaemonSet",
    docs:
      "An initContainer runs in every pod, on every start: with several replicas, an autoscaler, " +
      "or a rolling update, several pods run the migration at the same time, and most tools " +
      "(alembic, prisma, knex, rails, Django, flyway, liquibase, goose, sequelize, typeorm, " +
      "node-pg-migrate, golang-migrate, `npm run migrate`) then race, fail on their lock or apply " +
      "a step twice. It is an error when the Deployment has `replicas` above 1 or a " +
      "HorizontalPodAutoscaler (or KEDA ScaledObject) in the scanned files scales it, and when a " +
      "StatefulSet with `podManagementPolicy: Parallel` does; a warning otherwise (one replica, " +
      "an OrderedReady StatefulSet whose pods start one by one, a DaemonSet). Helm templates are " +
      "read with their `{{ … }}` actions blanked out, and reported as warnings.",
    advice:
      "Run the migration once, as a Job with the same image and command (a Helm " +
      "`pre-install,pre-upgrade` hook, or a Tilt resource the app's `resource_deps` names), and " +
      `let the app's initContainer only wait for the database: \`${WAIT}\`.`,
  },
  fileTypes: ["manifest", "helm-template"],
  triggers: ["initContainers"],
  *check(file, context) {
    const template = file.type === "helm-template";
    // A template's actions are blanked to spaces: same offsets, so positions hold for `file`.
    const source = template ? maskedTemplate(file) : file;
    for (const workload of workloads(source)) {
      if (!WORKLOADS.has(workload.kind)) continue;
      const what = called(workload.kind, workload.node, ["metadata", "name"], source);
      for (const container of workload.containers) {
        const found = container.init ? migration(source, container.node) : undefined;
        if (!found) continue;
        // A template's replicas and autoscaler are values: how many pods start is unknowable.
        const [severity, why] = template
          ? (["warning", TOGETHER] as const)
          : risk(workload, file, context);
        const image = container.image?.display ?? stringOf(get(container.node, "image"));
        yield {
          start: found.start,
          end: found.end,
          severity,
          message: `${called("init container", container.node, ["name"], source)} of ${what} runs \`${found.match}\`: ${why}`,
          advice:
            `Run the migration (\`${found.command}\`) once, as a Job with the same image` +
            `${image ? ` (\`${image}\`)` : ""} and \`restartPolicy: Never\` (a Helm pre-install,pre-upgrade ` +
            `hook, or a Tilt resource in the app's \`resource_deps\`), and make this initContainer only ` +
            `wait for the database: \`${WAIT}\`.`,
        };
      }
    }
  },
};

interface Found {
  start: number;
  end: number;
  /** The migration command as matched, spaces collapsed. */
  match: string;
  /** The shell command that migrates, for the Job's `command`. */
  command: string;
}

/** The migration an init container runs (its `command` and `args`, joined as the shell sees them). */
function migration(file: SourceFile, init: Node): Found | undefined {
  const parts: { node: Node; value: string; at: number }[] = [];
  let joined = "";
  for (const field of ["command", "args"]) {
    const value = get(init, field);
    for (const node of isSeq(value) ? value.items : [value]) {
      const text = stringOf(node);
      if (text === undefined) continue;
      parts.push({ node: node as Node, value: text, at: joined.length });
      joined += text + " ";
    }
  }
  for (const pattern of MIGRATIONS) {
    const m = pattern.exec(joined);
    if (!m) continue;
    const part = parts.findLast((p) => p.at <= m.index)!;
    // The matched words inside the scalar that holds their start, up to its end at most.
    const from = m.index - part.at;
    const text = part.value.slice(from, Math.min(part.value.length, from + m[0].length));
    const [start, end] = locate(file, part.node, part.value, from, text);
    // For the Job: the shell command that migrates, without the script around it.
    const begin = Math.max(...[";", "&", "|", "\n"].map((c) => joined.lastIndexOf(c, m.index)));
    const stop = joined.slice(m.index + m[0].length).search(/[;&|\n]/);
    const command = joined
      .slice(begin + 1, stop === -1 ? undefined : m.index + m[0].length + stop)
      .replace(/^\s*(?:\/bin\/)?(?:ba)?sh\s+-c\s+/, "")
      .replace(/\s+/g, " ")
      .trim();
    return { start, end, match: m[0].replace(/\s+/g, " "), command };
  }
  return undefined;
}

/** Where `text`, at `from` in a scalar's `value`, is in the source; all of the scalar if unsure. */
function locate(file: SourceFile, node: Node, value: string, from: number, text: string) {
  const base = offsetIn(file.text, node, value);
  if (file.text.startsWith(value, base)) return [base + from, base + from + text.length] as const;
  // A block scalar's source is indented: look for the words themselves.
  const at = offsetIn(file.text, node, text);
  if (file.text.startsWith(text, at)) return [at, at + text.length] as const;
  return [node.range?.[0] ?? 0, node.range?.[1] ?? 0] as const;
}

/** How likely pods run the migration at once: the severity, and why. */
function risk(
  workload: Workload,
  file: SourceFile,
  context: ScanContext,
): readonly [Severity, string] {
  if (workload.kind === "DaemonSet") {
    return ["warning", "one pod per node runs it, at the same time on a cluster of several nodes"];
  }
  const count = getIn(workload.node, ["spec", "replicas"]);
  const replicas = isScalar(count) && typeof count.value === "number" ? count.value : 0;
  const [scaler] = nearestObjects(
    file,
    { files: () => scalerFiles(context) },
    (o) => scales(o, workload),
    (text) => workload.name !== undefined && text.includes(workload.name),
  );
  // A StatefulSet starts its pods one by one (OrderedReady) unless told to start them together.
  const policy = stringOf(getIn(workload.node, ["spec", "podManagementPolicy"]));
  const together = workload.kind !== "StatefulSet" || policy === "Parallel";
  const many = scaler
    ? `${called(scaler.object.kind, scaler.object.node, ["metadata", "name"])} scales it`
    : replicas > 1
      ? `it has ${replicas} replicas`
      : undefined;
  if (many && together) return ["error", `${many}, so several pods run it at the same time`];
  if (many) return ["warning", `${many}: each pod runs it again as it starts, one after another`];
  return ["warning", TOGETHER];
}

/** An autoscaler (HPA, KEDA ScaledObject) of the workload that may run more than one pod. */
function scales(object: K8sObject, workload: Workload): boolean {
  if (object.kind !== "HorizontalPodAutoscaler" && object.kind !== "ScaledObject") return false;
  if (workload.name === undefined) return false;
  const target = getIn(object.node, ["spec", "scaleTargetRef"]);
  const max = getIn(object.node, ["spec", "maxReplicas"]);
  return (
    // KEDA's ScaledObject targets a Deployment unless it says otherwise.
    (stringOf(get(target, "kind")) ?? "Deployment") === workload.kind &&
    stringOf(get(target, "name")) === workload.name &&
    sameNamespace(object.namespace, workload.namespace) &&
    !(isScalar(max) && typeof max.value === "number" && max.value <= 1)
  );
}

const scalerFilesOf = new WeakMap<ScanContext, readonly SourceFile[]>();

/** The run's files that may hold an autoscaler: looked for once a run, not once a workload. */
function scalerFiles(context: ScanContext): readonly SourceFile[] {
  let found = scalerFilesOf.get(context);
  if (!found) {
    found = (context.files?.() ?? []).filter(
      (f) => f.text.includes("HorizontalPodAutoscaler") || f.text.includes("ScaledObject"),
    );
    scalerFilesOf.set(context, found);
  }
  return found;
}
