import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isIanaSvcName,
  isLabelValue,
  isQualifiedName,
  schemaProperties,
  validateObject,
} from "./k8s-validate.js";

type Json = Record<string, unknown>;

/** A Deployment a cluster would accept: probes on a named port, a volume, env from a Secret. */
function deployment(): Json {
  const labels = { "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "shop",
      labels,
      annotations: { "example.com/note": "x y" },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          initContainers: [{ name: "wait-for-db", image: "postgres:17", command: ["true"] }],
          containers: [
            {
              name: "web",
              image: "web:1",
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: 8080 }],
              env: [
                {
                  name: "PASSWORD",
                  valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } },
                },
                { name: "URL", value: "postgresql://u:$(PASSWORD)@db:5432/d" },
              ],
              readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: "http" } },
              resources: {
                requests: { cpu: "100m", memory: "128Mi", "example.com/gpu": "1" },
                limits: { memory: "512Mi" },
              },
              volumeMounts: [{ name: "cache", mountPath: "/cache" }],
            },
          ],
          volumes: [{ name: "cache", emptyDir: {} }],
        },
      },
    },
  };
}

/** Sets `value` at a dotted path with [i] indices, creating nothing: the path must exist up to its parent. */
function set(obj: Json, path: string, value: unknown): Json {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let node = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return obj;
}

const others: Json[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      selector: { "app.kubernetes.io/name": "web" },
      ports: [
        { name: "http", port: 80, targetPort: "http" },
        { name: "metrics", port: 9090, targetPort: 9090 },
      ],
    },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db-credentials", namespace: "shop" },
    type: "Opaque",
    stringData: { password: "x" },
  },
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg.v1" }, data: { "a.json": "{}" } },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web" } },
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "retain" },
    provisioner: "rancher.io/local-path",
    parameters: { pathPattern: "{{ .PVC.Name }}/" },
    reclaimPolicy: "Retain",
    volumeBindingMode: "WaitForFirstConsumer",
  },
  {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "migrate" },
    spec: {
      backoffLimit: 2,
      ttlSecondsAfterFinished: 60,
      template: {
        spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "web:1" }] },
      },
    },
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db" },
    spec: {
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: {
          containers: [
            {
              name: "db",
              image: "postgres:17",
              volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "retain",
            resources: { requests: { storage: "1Gi" } },
          },
        },
      ],
    },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web" },
    spec: {
      rules: [
        {
          host: "web.localhost",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "web", port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    },
  },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
    },
  },
];

describe("validateObject: valid objects", () => {
  it("accepts a complete Deployment", () => {
    expect(validateObject(deployment())).toEqual([]);
  });

  it.each(others.map((o) => [o.kind as string, o]))("accepts a valid %s", (_kind, obj) => {
    expect(validateObject(obj)).toEqual([]);
  });
});

describe("validateObject: (a) types", () => {
  it("reports a wrong type with its path", () => {
    const problems = validateObject(set(deployment(), "spec.replicas", "2"));
    expect(problems).toEqual(["schema: /spec/replicas must be integer"]);
  });

  it("reports a value outside an enum and a missing required field", () => {
    const obj = set(deployment(), "spec.template.spec.containers[0].imagePullPolicy", "Sometimes");
    delete (obj.spec as Json).selector;
    expect(validateObject(obj).sort()).toEqual([
      "schema: /spec must have required property selector",
      "schema: /spec/template/spec/containers/0/imagePullPolicy must be equal to one of the allowed values",
    ]);
  });

  it("reports a kind it has no model for instead of accepting it", () => {
    expect(
      validateObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toEqual(["no kubernetes-models class for example.com/v1 Widget"]);
  });
});

describe("validateObject: (b) unknown fields", () => {
  it("reports a misspelt container field with its JSON path", () => {
    const obj = set(deployment(), "spec.template.spec.containers[0].imagePullPolicyy", "Always");
    expect(validateObject(obj)).toEqual([
      "unknown field: spec.template.spec.containers[0].imagePullPolicyy",
    ]);
  });

  it.each([
    ["at the top level", "specs", {}],
    ["in metadata", "metadata.label", {}],
    [
      "through a $ref (Probe → HTTPGetAction)",
      "spec.template.spec.containers[0].readinessProbe.httpGet.paht",
      "/",
    ],
    ["in an array item of an initContainer", "spec.template.spec.initContainers[0].cmd", ["x"]],
    ["in a volume source", "spec.template.spec.volumes[0].emptyDir.size", "1Gi"],
    [
      "in an env var source",
      "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.secret",
      "s",
    ],
  ])("reports an unknown field %s", (_where, path, value) => {
    expect(validateObject(set(deployment(), path, value))).toEqual([`unknown field: ${path}`]);
  });

  it("reports an unknown field inside a StatefulSet's volumeClaimTemplates", () => {
    const sts = structuredClone(others.find((o) => o.kind === "StatefulSet")!);
    set(sts, "spec.volumeClaimTemplates[0].spec.storageclassName", "retain");
    expect(validateObject(sts)).toEqual([
      "unknown field: spec.volumeClaimTemplates[0].spec.storageclassName",
    ]);
  });

  it("accepts any key of an additionalProperties map (labels, resource names, Secret data)", () => {
    // deployment() already has "example.com/gpu" in requests and dotted label keys; the Secret's
    // stringData and ConfigMap's data are maps too: all of them validated [] above.
    const obj = set(deployment(), "spec.template.spec.nodeSelector", {
      "anything.example.com/x": "y",
    });
    expect(validateObject(obj)).toEqual([]);
  });

  /** The property names of `interface I<name>` in a kubernetes-models declaration file. */
  function declaredProperties(file: string, name: string): string[] {
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(`export interface I${name} {`);
    const body = text.slice(start, text.indexOf("\n}", start));
    return [...body.matchAll(/^ {4}"([^"]+)"\??:/gm)].map((m) => m[1]!).sort();
  }

  const require = createRequire(import.meta.url);
  const models = dirname(require.resolve("kubernetes-models/package.json"));
  const meta = join(
    dirname(require.resolve("@kubernetes-models/apimachinery/package.json", { paths: [models] })),
    "apis/meta/v1",
  );

  it.each([
    ["spec", join(models, "apps/v1/DeploymentSpec.d.ts"), "DeploymentSpec"],
    ["metadata", join(meta, "ObjectMeta.d.ts"), "ObjectMeta"],
    ["spec.template.spec", join(models, "v1/PodSpec.d.ts"), "PodSpec"],
    ["spec.template.spec.containers[0]", join(models, "v1/Container.d.ts"), "Container"],
    ["spec.template.spec.containers[0].readinessProbe", join(models, "v1/Probe.d.ts"), "Probe"],
    ["spec.template.spec.volumes[0]", join(models, "v1/Volume.d.ts"), "Volume"],
  ])("derives the exact property list of the definition at %s", (path, file, name) => {
    const props = schemaProperties(deployment()).get(path);
    expect([...(props ?? [])].sort()).toEqual(declaredProperties(file, name));
    expect(props?.size).toBeGreaterThan(1);
  });
});

describe("validateObject: (c) names and labels", () => {
  it("reports a name that is not a DNS-1123 subdomain", () => {
    expect(validateObject(set(deployment(), "metadata.name", "My_App"))).toEqual([
      'metadata.name: "My_App" is not a DNS-1123 subdomain',
    ]);
  });

  it("reports a 16-character container port name (IANA_SVC_NAME: at most 15)", () => {
    const obj = set(
      deployment(),
      "spec.template.spec.containers[0].ports[0].name",
      "http-metrics-abc",
    );
    expect("http-metrics-abc").toHaveLength(16);
    const problems = validateObject(obj);
    expect(problems).toContain(
      'spec.template.spec.containers[0].ports[0].name: "http-metrics-abc" is not an IANA_SVC_NAME (≤15 characters)',
    );
    // and the probes that named the old port now name none
    expect(problems.some((p) => p.includes('no container port is named "http"'))).toBe(true);
  });

  it("accepts a 15-character port name", () => {
    const obj = deployment();
    set(obj, "spec.template.spec.containers[0].ports[0].name", "http-metrics-ab");
    set(obj, "spec.template.spec.containers[0].readinessProbe.httpGet.port", "http-metrics-ab");
    set(obj, "spec.template.spec.containers[0].livenessProbe.tcpSocket.port", "http-metrics-ab");
    expect(validateObject(obj)).toEqual([]);
  });

  it.each([
    ["spec.template.spec.containers[0].name", "Web", "is not a DNS-1123 label"],
    ["spec.template.spec.initContainers[0].name", "wait_for_db", "is not a DNS-1123 label"],
    ["spec.template.spec.containers[0].name", "wait-for-db", "duplicate container name"],
    ["spec.template.spec.volumes[0].name", "a".repeat(64), "is not a DNS-1123 label"],
    ["spec.template.spec.containers[0].volumeMounts[0].name", "other", "no volume named"],
  ])("reports %s = %j", (path, value, message) => {
    const problems = validateObject(set(deployment(), path, value));
    expect(problems.some((p) => p.startsWith(path) && p.includes(message))).toBe(true);
  });

  it("requires a DNS-1123 label (≤63) for a Namespace and a DNS-1035 label for a Service", () => {
    const long = "a".repeat(64);
    expect(
      validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: long } }),
    ).toEqual([`metadata.name: "${long}" is not a DNS-1123 label (Namespace)`]);
    expect(
      validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } }),
    ).toHaveLength(1);
    const svc = structuredClone(others.find((o) => o.kind === "Service")!);
    expect(validateObject(set(svc, "metadata.name", "9db"))).toEqual([
      'metadata.name: "9db" is not a DNS-1035 label (Service)',
    ]);
    // A Deployment may be a subdomain
    expect(validateObject(set(deployment(), "metadata.name", "web.v2"))).toEqual([]);
  });

  it("reports invalid label keys and values, wherever labels are", () => {
    const obj = deployment();
    set(obj, "metadata.labels", { "bad key": "x", ok: "-leading-dash" });
    const problems = validateObject(obj);
    expect(problems).toContain('metadata.labels: key "bad key" is not a qualified name');
    expect(problems).toContain('metadata.labels["ok"]: "-leading-dash" is not a valid label value');
    const svc = structuredClone(others.find((o) => o.kind === "Service")!);
    set(svc, "spec.selector", { app: "x".repeat(64) });
    expect(validateObject(svc)).toEqual([
      `spec.selector["app"]: "${"x".repeat(64)}" is not a valid label value`,
    ]);
  });

  it("reports a selector that does not select the pod template", () => {
    const obj = set(deployment(), "spec.template.metadata.labels", {
      "app.kubernetes.io/name": "web",
    });
    expect(validateObject(obj)).toEqual([
      'spec.selector.matchLabels["app.kubernetes.io/part-of"]: not among spec.template.metadata.labels',
    ]);
  });

  it("implements the Kubernetes name predicates", () => {
    expect(["http", "a1", "web-ui", "a".repeat(15)].every(isIanaSvcName)).toBe(true);
    expect(["", "1234", "-http", "http-", "h--p", "Http", "a".repeat(16)].some(isIanaSvcName)).toBe(
      false,
    );
    expect(["app", "example.com/app", "a_b.c-d", "A"].every(isQualifiedName)).toBe(true);
    expect(
      ["/app", "a/b/c", "Example.com/app", "-a", `${"a".repeat(64)}`].some(isQualifiedName),
    ).toBe(false);
    expect(["", "v1.2_3", "a".repeat(63)].every(isLabelValue)).toBe(true);
    expect(["a".repeat(64), "-x", "x-", "a b"].some(isLabelValue)).toBe(false);
  });
});
