/**
 * Checks one Kubernetes object the way an API server would reject it, without a cluster:
 *
 * (a) types, enums and required fields: the kubernetes-models class of the object's kind;
 * (b) unknown fields, which kubernetes-models accepts silently but `kubectl apply` (strict field
 *     validation) rejects: see `schemaProperties`;
 * (c) names and labels: the DNS-1123 / DNS-1035 / IANA_SVC_NAME and label rules of
 *     k8s.io/apimachinery/pkg/util/validation and pkg/apis/core/validation.
 */
import { HorizontalPodAutoscaler as HorizontalPodAutoscalerV1 } from "kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

/** What validateObject needs of a kubernetes-models class. */
interface ModelClass {
  new (data?: never): { validate(): void };
  readonly prototype: { validate(): void };
}

const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>(
  (
    [
      ["v1", "Namespace", Namespace],
      ["v1", "Service", Service],
      ["v1", "Secret", Secret],
      ["v1", "ConfigMap", ConfigMap],
      ["v1", "PersistentVolumeClaim", PersistentVolumeClaim],
      ["v1", "ServiceAccount", ServiceAccount],
      ["v1", "Pod", Pod],
      ["apps/v1", "StatefulSet", StatefulSet],
      ["apps/v1", "Deployment", Deployment],
      ["apps/v1", "DaemonSet", DaemonSet],
      ["batch/v1", "Job", Job],
      ["batch/v1", "CronJob", CronJob],
      ["storage.k8s.io/v1", "StorageClass", StorageClass],
      ["networking.k8s.io/v1", "Ingress", Ingress],
      ["networking.k8s.io/v1", "NetworkPolicy", NetworkPolicy],
      ["autoscaling/v2", "HorizontalPodAutoscaler", HorizontalPodAutoscaler],
      ["autoscaling/v1", "HorizontalPodAutoscaler", HorizontalPodAutoscalerV1],
      ["policy/v1", "PodDisruptionBudget", PodDisruptionBudget],
      ["rbac.authorization.k8s.io/v1", "Role", Role],
      ["rbac.authorization.k8s.io/v1", "RoleBinding", RoleBinding],
    ] as Array<[string, string, ModelClass]>
  ).map(([apiVersion, kind, model]) => [`${apiVersion}/${kind}`, model]),
);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every problem of one object; [] when an API server would accept it as it is. */
export function validateObject(obj: unknown): string[] {
  if (!isObject(obj)) return ["the object is not a mapping"];
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  if (typeof apiVersion !== "string" || typeof kind !== "string")
    return ["apiVersion and kind must be strings"];
  const model = MODELS.get(`${apiVersion}/${kind}`);
  if (!model) return [`no kubernetes-models class for ${apiVersion} ${kind}`];
  return [...typeProblems(model, obj), ...unknownFields(obj), ...nameProblems(obj)];
}

// ---------------------------------------------------------------------------------------------
// (a) types

function typeProblems(model: ModelClass, obj: Json): string[] {
  try {
    new model(structuredClone(obj) as never).validate();
    return [];
  } catch (error) {
    // "data/spec/replicas must be integer, data/spec must have required property 'selector'"
    return String((error as Error).message)
      .split(/, (?=data)/)
      .map((m) => `schema: ${m.replace(/^data/, "") || "/"}`);
  }
}

// ---------------------------------------------------------------------------------------------
// (b) unknown fields

/**
 * The properties the kind's OpenAPI schema defines at each object of `obj`, keyed by path
 * (`spec.template.spec.containers[0]`).
 *
 * kubernetes-models ships no JSON schema files: `_schemas/*.js` are ajv *standalone* validators
 * compiled from the OpenAPI definitions. In that code a definition's `properties` are the checks
 * `void 0===data.<prop>||validate(data.<prop>)` (every property is read, present or not), a `$ref`
 * is a call into the validator of another module with the same value, `items` is a loop over
 * `data[i]`, and an `additionalProperties` map is `for (key in data) validate(data[key])`. So the
 * exact property list of each definition, with $ref, items and maps followed as the schema says,
 * is what the validator reads: the kind's own validator is run on a Proxy of the object that
 * records, per path, which keys it reads. An object none of whose keys is read has a free-form
 * schema (`type: object` without properties) and is left out.
 */
export function schemaProperties(obj: Json): Map<string, Set<string>> {
  const model = MODELS.get(`${String(obj.apiVersion)}/${String(obj.kind)}`);
  if (!model)
    throw new Error(`no kubernetes-models class for ${String(obj.apiVersion)} ${String(obj.kind)}`);
  const reads = new Map<string, Set<string>>();
  const proxies = new Map<string, unknown>();
  const wrap = (value: unknown, path: string): unknown => {
    if (typeof value !== "object" || value === null) return value;
    const known = proxies.get(path);
    if (known) return known;
    const array = Array.isArray(value);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== "string") return child;
        if (!array) {
          const set = reads.get(path) ?? new Set<string>();
          set.add(key);
          reads.set(path, set);
        }
        if (!Object.prototype.hasOwnProperty.call(target, key)) return child;
        return wrap(child, array ? `${path}[${key}]` : join(path, key));
      },
    });
    proxies.set(path, proxy);
    return proxy;
  };
  try {
    // The class's validate() runs its compiled validator on `this`.
    model.prototype.validate.call(wrap(obj, ""));
  } catch {
    // Type errors are typeProblems' business; the reads happened all the same (ajv allErrors).
  }
  return reads;
}

/** Keys the schema does not define, as paths (`spec.template.spec.containers[0].imagePullPolicyy`). */
export function unknownFields(obj: Json): string[] {
  const reads = schemaProperties(obj);
  const problems: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) return;
    const known = reads.get(path);
    if (!known) return; // free-form, or under a key already reported
    for (const [key, child] of Object.entries(value)) {
      if (known.has(key)) walk(child, join(path, key));
      else problems.push(`unknown field: ${join(path, key)}`);
    }
  };
  walk(obj, "");
  return problems;
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

// ---------------------------------------------------------------------------------------------
// (c) names and labels

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** RFC 1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && LABEL_RE.test(s);
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && s.split(".").every((part) => LABEL_RE.test(part));
}

/** RFC 1035 label: a DNS-1123 label that starts with a letter (Service names). */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_RE.test(s);
}

/** IANA_SVC_NAME (RFC 6335): ≤15, [-a-z0-9], a letter somewhere, no '-' at either end or twice. */
export function isIanaSvcName(s: string): boolean {
  return (
    s.length >= 1 &&
    s.length <= 15 &&
    /^[-a-z0-9]+$/.test(s) &&
    /[a-z]/.test(s) &&
    !s.startsWith("-") &&
    !s.endsWith("-") &&
    !s.includes("--")
  );
}

/** A label or annotation key: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤63. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  if (prefix !== undefined && (prefix === "" || !isDns1123Subdomain(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME_RE.test(name);
}

/** A label value: empty, or ≤63 alphanumerics, '-', '_' and '.' with alphanumerics at both ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && QUALIFIED_NAME_RE.test(value));
}

function nameProblems(obj: Json): string[] {
  const problems: string[] = [];
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const kind = String(obj.kind);
  const name = meta.name;
  if (typeof name !== "string" || name === "") {
    problems.push("metadata.name: required");
  } else if (kind === "Service") {
    // pkg/apis/core/validation: ValidateServiceName = NameIsDNS1035Label.
    if (!isDns1035Label(name))
      problems.push(`metadata.name: ${JSON.stringify(name)} is not a DNS-1035 label (Service)`);
  } else if (["Namespace", "StatefulSet"].includes(kind)) {
    if (!isDns1123Label(name))
      problems.push(`metadata.name: ${JSON.stringify(name)} is not a DNS-1123 label (${kind})`);
  } else if (!isDns1123Subdomain(name)) {
    problems.push(`metadata.name: ${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  }
  if (
    meta.namespace !== undefined &&
    !(typeof meta.namespace === "string" && isDns1123Label(meta.namespace))
  )
    problems.push(`metadata.namespace: ${JSON.stringify(meta.namespace)} is not a DNS-1123 label`);

  problems.push(...labelProblems(obj, ""));

  const spec = isObject(obj.spec) ? obj.spec : {};
  for (const [path, pod] of podSpecs(obj)) {
    const claimTemplates =
      kind === "StatefulSet" && Array.isArray(spec.volumeClaimTemplates)
        ? spec.volumeClaimTemplates
        : [];
    problems.push(...podSpecProblems(pod, path, claimTemplates));
  }
  if (kind === "StatefulSet" && Array.isArray(spec.volumeClaimTemplates)) {
    spec.volumeClaimTemplates.forEach((t: unknown, i) => {
      const n = isObject(t) && isObject(t.metadata) ? t.metadata.name : undefined;
      if (typeof n !== "string" || !isDns1123Label(n))
        problems.push(
          `spec.volumeClaimTemplates[${i}].metadata.name: ${JSON.stringify(n)} is not a DNS-1123 label`,
        );
    });
  }
  if (kind === "Service") problems.push(...servicePortProblems(spec));
  problems.push(...selectorProblems(kind, spec));
  return problems;
}

/** Every label map (metadata.labels anywhere, matchLabels, a Service's selector) and annotation key. */
function labelProblems(value: unknown, path: string): string[] {
  const problems: string[] = [];
  const checkMap = (map: unknown, at: string, values: boolean) => {
    if (!isObject(map)) return;
    for (const [key, v] of Object.entries(map)) {
      if (!isQualifiedName(key))
        problems.push(`${at}: key ${JSON.stringify(key)} is not a qualified name`);
      if (values && !(typeof v === "string" && isLabelValue(v)))
        problems.push(
          `${at}[${JSON.stringify(key)}]: ${JSON.stringify(v)} is not a valid label value`,
        );
    }
  };
  const walk = (v: unknown, at: string, parentKey: string | undefined): void => {
    if (Array.isArray(v)) return v.forEach((item, i) => walk(item, `${at}[${i}]`, undefined));
    if (!isObject(v)) return;
    for (const [key, child] of Object.entries(v)) {
      const here = join(at, key);
      if (parentKey === "metadata" && key === "labels") checkMap(child, here, true);
      else if (parentKey === "metadata" && key === "annotations") checkMap(child, here, false);
      else if (key === "matchLabels") checkMap(child, here, true);
      else walk(child, here, key);
    }
  };
  walk(value, path, undefined);
  return problems;
}

/** Pod specs inside a workload, with their paths. */
function podSpecs(obj: Json): Array<[string, Json]> {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  if (!spec) return [];
  switch (obj.kind) {
    case "Pod":
      return [["spec", spec]];
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "Job": {
      const template = isObject(spec.template) ? spec.template : undefined;
      return template && isObject(template.spec) ? [["spec.template.spec", template.spec]] : [];
    }
    case "CronJob": {
      const job =
        isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)
          ? spec.jobTemplate.spec
          : undefined;
      const template = job && isObject(job.template) ? job.template : undefined;
      return template && isObject(template.spec)
        ? [["spec.jobTemplate.spec.template.spec", template.spec]]
        : [];
    }
    default:
      return [];
  }
}

function podSpecProblems(pod: Json, path: string, claimTemplates: unknown[]): string[] {
  const problems: string[] = [];
  const volumeNames = new Set<string>();
  const volumes = Array.isArray(pod.volumes) ? pod.volumes : [];
  volumes.forEach((volume: unknown, i) => {
    const n = isObject(volume) ? volume.name : undefined;
    if (typeof n !== "string" || !isDns1123Label(n))
      problems.push(`${path}.volumes[${i}].name: ${JSON.stringify(n)} is not a DNS-1123 label`);
    else if (volumeNames.has(n))
      problems.push(`${path}.volumes[${i}].name: duplicate ${JSON.stringify(n)}`);
    else volumeNames.add(n);
  });
  for (const t of claimTemplates)
    if (isObject(t) && isObject(t.metadata) && typeof t.metadata.name === "string")
      volumeNames.add(t.metadata.name);

  const containerNames = new Set<string>();
  for (const field of ["initContainers", "containers"] as const) {
    const list = Array.isArray(pod[field]) ? (pod[field] as unknown[]) : [];
    list.forEach((container, i) => {
      const at = `${path}.${field}[${i}]`;
      if (!isObject(container)) return;
      const n = container.name;
      if (typeof n !== "string" || !isDns1123Label(n))
        problems.push(`${at}.name: ${JSON.stringify(n)} is not a DNS-1123 label`);
      else if (containerNames.has(n))
        problems.push(`${at}.name: duplicate container name ${JSON.stringify(n)}`);
      else containerNames.add(n);

      const portNames = new Set<string>();
      const ports = Array.isArray(container.ports) ? container.ports : [];
      ports.forEach((port: unknown, j) => {
        const pn = isObject(port) ? port.name : undefined;
        if (pn === undefined) return;
        if (typeof pn !== "string" || !isIanaSvcName(pn))
          problems.push(
            `${at}.ports[${j}].name: ${JSON.stringify(pn)} is not an IANA_SVC_NAME (≤15 characters)`,
          );
        else if (portNames.has(pn))
          problems.push(`${at}.ports[${j}].name: duplicate ${JSON.stringify(pn)}`);
        else portNames.add(pn);
      });

      for (const probeField of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        const probe = container[probeField];
        if (!isObject(probe)) continue;
        for (const handler of ["httpGet", "tcpSocket"]) {
          const action = probe[handler];
          const port = isObject(action) ? action.port : undefined;
          if (typeof port !== "string") continue;
          const where = `${at}.${probeField}.${handler}.port`;
          if (!isIanaSvcName(port))
            problems.push(`${where}: ${JSON.stringify(port)} is not an IANA_SVC_NAME`);
          else if (!portNames.has(port))
            problems.push(`${where}: no container port is named ${JSON.stringify(port)}`);
        }
      }

      const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
      mounts.forEach((mount: unknown, j) => {
        const mn = isObject(mount) ? mount.name : undefined;
        if (typeof mn !== "string" || !volumeNames.has(mn))
          problems.push(`${at}.volumeMounts[${j}].name: no volume named ${JSON.stringify(mn)}`);
      });
    });
  }
  return problems;
}

function servicePortProblems(spec: Json): string[] {
  const problems: string[] = [];
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const names = new Set<string>();
  ports.forEach((port: unknown, i) => {
    if (!isObject(port)) return;
    const at = `spec.ports[${i}]`;
    if (port.name === undefined) {
      if (ports.length > 1) problems.push(`${at}.name: required when a Service has several ports`);
    } else if (typeof port.name !== "string" || !isDns1123Label(port.name)) {
      problems.push(`${at}.name: ${JSON.stringify(port.name)} is not a DNS-1123 label`);
    } else if (names.has(port.name)) {
      problems.push(`${at}.name: duplicate ${JSON.stringify(port.name)}`);
    } else {
      names.add(port.name);
    }
    if (typeof port.targetPort === "string" && !isIanaSvcName(port.targetPort))
      problems.push(`${at}.targetPort: ${JSON.stringify(port.targetPort)} is not an IANA_SVC_NAME`);
  });
  if (isObject(spec.selector)) {
    for (const [key, v] of Object.entries(spec.selector)) {
      if (!isQualifiedName(key))
        problems.push(`spec.selector: key ${JSON.stringify(key)} is not a qualified name`);
      if (!(typeof v === "string" && isLabelValue(v)))
        problems.push(
          `spec.selector[${JSON.stringify(key)}]: ${JSON.stringify(v)} is not a valid label value`,
        );
    }
  }
  return problems;
}

/** A workload's selector must select its own template ("selector does not match template labels"). */
function selectorProblems(kind: string, spec: Json): string[] {
  if (!["Deployment", "StatefulSet", "DaemonSet"].includes(kind)) return [];
  const match =
    isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const template =
    isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata : {};
  const labels = isObject(template.labels) ? template.labels : {};
  return Object.entries(match)
    .filter(([k, v]) => labels[k] !== v)
    .map(
      ([k]) =>
        `spec.selector.matchLabels[${JSON.stringify(k)}]: not among spec.template.metadata.labels`,
    );
}
