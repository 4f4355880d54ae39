import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SecretSource } from "../../src/plan/secrets.js";
import type { Plan, ServiceResource } from "../../src/plan/types.js";
import { DEFAULT_LAYOUT, renderAll } from "../../src/render/index.js";
import type { K8sObject } from "../../src/render/k8s/object.js";
import { manifestFiles } from "../../src/render/manifests.js";
import { loadSpec } from "../../src/spec/load.js";
import { validateObject } from "../helpers/k8s-validate.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  restartPolicy?: string;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: Record<string, unknown> }>;
}
interface Workload extends K8sObject {
  spec: {
    selector?: { matchLabels: Record<string, string> };
    backoffLimit?: number;
    ttlSecondsAfterFinished?: number;
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: Array<{
      metadata: { name: string };
      spec: { storageClassName?: string };
    }>;
  };
}
interface ServiceObject extends K8sObject {
  spec: {
    selector: Record<string, string>;
    ports: Array<{ name: string; port: number; targetPort: string | number }>;
  };
}

const MYAPP = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "myapp", "parity.yaml"),
  "utf8",
);

/** Deterministic, realistic (letters and digits) passwords; remembers what it handed out. */
function recordingSecrets(): SecretSource & { handed: Map<string, string> } {
  const handed = new Map<string, string>();
  return {
    handed,
    get(key: string) {
      const value = `Qx7${key.replace(/[^A-Z0-9]/g, "")}k9Zr2Lm`;
      handed.set(key, value);
      return value;
    },
  };
}

function planOf(yaml: string, secrets: SecretSource = recordingSecrets()): Plan {
  return buildPlan(loadSpec(yaml, "parity.yaml", kindRules), secrets);
}

const secrets = recordingSecrets();
const plan = planOf(MYAPP, secrets);
const files = manifestFiles(plan, DEFAULT_LAYOUT);
const rendered = renderAll(plan, DEFAULT_LAYOUT);
const allObjects = files.flatMap((f) => f.objects);

function find<T extends K8sObject = Workload>(kind: string, name: string, objects = allObjects): T {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0] as T;
}

const workloads = (objects = allObjects) =>
  objects.filter((o): o is Workload => ["Deployment", "StatefulSet", "Job"].includes(o.kind));

const containersOf = (w: Workload) => [
  ...(w.spec.template.spec.initContainers ?? []),
  ...w.spec.template.spec.containers,
];

/** Parses a rendered manifest the way a given YAML version reads it. */
function parseManifest(content: string, version: "1.1" | "1.2"): unknown[] {
  return parseAllDocuments(content, { version }).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as unknown;
  });
}

const manifestPaths = new Set(files.map((f) => f.path));
const renderedManifests = rendered.filter((f) => manifestPaths.has(f.path));

describe("myapp manifests: every object is a valid Kubernetes object", () => {
  it("renders the manifest files it is expected to, the secrets file among them", () => {
    expect(files.map((f) => f.path)).toEqual([
      "k8s/namespace.yaml",
      "k8s/dev/storage-class.yaml",
      ".parity/secrets.yaml",
      "k8s/postgres.yaml",
      "k8s/redis.yaml",
      "k8s/rabbitmq.yaml",
      "k8s/migrate.yaml",
      "k8s/dev/seed.yaml",
      "k8s/myapp.yaml",
    ]);
    expect(renderedManifests).toHaveLength(files.length);
  });

  it.each(files.map((f) => [f.path, f] as const))(
    "%s: every object validates (types, unknown fields, names, labels)",
    (_path, file) => {
      expect(file.objects.length).toBeGreaterThan(0);
      const problems = file.objects.flatMap((o) =>
        validateObject(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`),
      );
      expect(problems).toEqual([]);
    },
  );

  it.each(renderedManifests.map((f) => [f.path, f] as const))(
    "%s as written: parses back to exactly the objects, which validate",
    (path, file) => {
      const parsed = parseManifest(file.content, "1.2");
      expect(parsed).toEqual(files.find((f) => f.path === path)!.objects);
      expect(parsed.flatMap((o) => validateObject(o))).toEqual([]);
    },
  );

  // KNOWN BUG (src/render/yaml.ts): kubectl and Tilt read manifests with a YAML 1.1 parser
  // (sigs.k8s.io/yaml), where an unquoted `yes` is the boolean true. The Redis StatefulSet's args
  // `--appendonly yes` are written unquoted, so the API server sees `args[3]: true` and rejects the
  // object ("expected type string, got bool"; kubernetes/kubernetes#34146). Remove `.fails` once
  // yamlDocuments quotes YAML 1.1 booleans (stringify with `version: "1.1"`).
  const yaml11Problems = () =>
    renderedManifests.flatMap((file) =>
      parseManifest(file.content, "1.1").flatMap((o) =>
        validateObject(o).map((p) => `${file.path}: ${p}`),
      ),
    );
  const KNOWN_YAML11_BUG =
    "k8s/redis.yaml: schema: /spec/template/spec/containers/0/args/3 must be string";

  it("is read the same by a YAML 1.1 parser, as kubectl and Tilt read it", () => {
    expect(yaml11Problems()).toEqual([]);
  });

  it("has no YAML 1.1 problem other than the known Redis `yes`", () => {
    expect(yaml11Problems().filter((p) => p !== KNOWN_YAML11_BUG)).toEqual([]);
  });

  it("references only Secrets and keys that the secrets file defines", () => {
    const secretsFile = files.find((f) => f.sensitive)!;
    const defined = new Set(
      secretsFile.objects.flatMap((s) =>
        Object.keys(s.stringData as Record<string, string>).map((k) => `${s.metadata.name}/${k}`),
      ),
    );
    const refs = workloads()
      .flatMap(containersOf)
      .flatMap((c) => c.env ?? [])
      .flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []))
      .map((r) => `${r.name}/${r.key}`);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !defined.has(r))).toEqual([]);
  });
});

describe("myapp manifests: behaviour", () => {
  const services = plan.resources.filter((r): r is ServiceResource => r.sort === "service");
  const storageClass = find<K8sObject>("StorageClass", "parity-retain");

  it.each(services.map((s) => [s.name]))(
    "%s: a StatefulSet and a Service named after it, probed, on a parity-retain claim",
    (name) => {
      const own = files.find((f) => f.path === `k8s/${name}.yaml`)!.objects;
      const sts = find("StatefulSet", name, own);
      const svc = find<ServiceObject>("Service", name, own);
      const container = sts.spec.template.spec.containers.find((c) => c.name === name)!;
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
      const claim = sts.spec.volumeClaimTemplates![0]!;
      expect(claim.spec.storageClassName).toBe("parity-retain");
      expect(claim.spec.storageClassName).toBe(storageClass.metadata.name);
      expect(container.volumeMounts?.map((m) => m.name)).toEqual([claim.metadata.name]);
      // The Service reaches the pods: its selector is a subset of the pod labels, its target
      // ports are ports the container names.
      const podLabels = sts.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
      const portNames = (container.ports ?? []).map((p) => p.name);
      for (const port of svc.spec.ports) expect(portNames).toContain(port.targetPort);
    },
  );

  it("mounts postgres 17 at /var/lib/postgresql/data with PGDATA one level down", () => {
    const pg = find("StatefulSet", "postgres").spec.template.spec.containers[0]!;
    expect(pg.image).toBe("postgres:17.7");
    expect(pg.volumeMounts).toEqual([{ name: "data", mountPath: "/var/lib/postgresql/data" }]);
    expect(pg.env).toContainEqual({ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" });
  });

  it("mounts postgres 18 at /var/lib/postgresql and sets no PGDATA", () => {
    const objects = manifestFiles(
      planOf('name: app\nservices:\n  postgres:\n    version: "18.1"\n'),
      DEFAULT_LAYOUT,
    ).flatMap((f) => f.objects);
    const pg = find("StatefulSet", "postgres", objects).spec.template.spec.containers[0]!;
    expect(pg.image).toBe("postgres:18.1");
    expect(pg.volumeMounts).toEqual([{ name: "data", mountPath: "/var/lib/postgresql" }]);
    expect(pg.env?.map((e) => e.name)).not.toContain("PGDATA");
    expect(objects.flatMap((o) => validateObject(o))).toEqual([]);
  });

  it("makes the app and each job wait for every service it uses, in that service's own image", () => {
    const imageOf = (service: string) =>
      find("StatefulSet", service).spec.template.spec.containers.find((c) => c.name === service)!
        .image;
    for (const r of plan.resources) {
      if (r.sort === "service" || r.sort === "external") continue;
      const w = find(r.sort === "app" ? "Deployment" : "Job", r.name);
      const init = w.spec.template.spec.initContainers ?? [];
      expect(init.map((c) => c.name)).toEqual(r.uses.map((s) => `wait-for-${s}`));
      expect(init.map((c) => c.image)).toEqual(r.uses.map(imageOf));
    }
    const app = find("Deployment", "myapp").spec.template.spec.initContainers!;
    expect(app.map((c) => c.name)).toEqual([
      "wait-for-postgres",
      "wait-for-redis",
      "wait-for-rabbitmq",
    ]);
    expect(app.map((c) => c.image)).toEqual([
      "postgres:17.7",
      "redis:8.4.0",
      "rabbitmq:4.2.2-management",
    ]);
  });

  it("writes no password into any committable file, only into the sensitive one", () => {
    expect([...secrets.handed.keys()].sort()).toEqual([
      "POSTGRES_PASSWORD",
      "RABBITMQ_PASSWORD",
      "REDIS_PASSWORD",
    ]);
    const passwords = [...secrets.handed.values()];
    const committable = rendered.filter((f) => !f.sensitive);
    const sensitive = rendered.filter((f) => f.sensitive);
    expect(sensitive.map((f) => f.path)).toEqual([".parity/secrets.yaml"]);
    expect(committable.map((f) => f.path)).toContain("Tiltfile");
    for (const file of committable)
      for (const password of passwords)
        expect(file.content.includes(password), `${password} in ${file.path}`).toBe(false);
    // and the check can see a password where there is one
    for (const password of passwords) expect(sensitive[0]!.content).toContain(password);
  });

  it("labels every object with its name, part-of=myapp and managed-by=parity", () => {
    for (const o of allObjects) {
      const labels = o.metadata.labels ?? {};
      expect(labels["app.kubernetes.io/name"], `${o.kind} ${o.metadata.name}`).toBeTruthy();
      expect(labels["app.kubernetes.io/part-of"]).toBe("myapp");
      expect(labels["app.kubernetes.io/managed-by"]).toBe("parity");
    }
    for (const w of workloads()) {
      expect(w.spec.template.metadata.labels["app.kubernetes.io/managed-by"]).toBe("parity");
      expect(w.spec.template.metadata.labels["app.kubernetes.io/part-of"]).toBe("myapp");
    }
  });

  it("gives every Job a backoffLimit, a ttlSecondsAfterFinished and restartPolicy Never", () => {
    const jobs = allObjects.filter((o): o is Workload => o.kind === "Job");
    expect(jobs.map((j) => j.metadata.name)).toEqual(["migrate", "seed"]);
    for (const job of jobs) {
      expect(job.spec.backoffLimit).toEqual(expect.any(Number));
      expect(job.spec.ttlSecondsAfterFinished).toEqual(expect.any(Number));
      expect(job.spec.template.spec.restartPolicy).toBe("Never");
    }
  });

  it("gives a persistent: false service an emptyDir and no volumeClaimTemplates", () => {
    const objects = manifestFiles(
      planOf("name: app\nservices:\n  redis:\n    persistent: false\n  postgres: {}\n"),
      DEFAULT_LAYOUT,
    ).flatMap((f) => f.objects);
    const redis = find("StatefulSet", "redis", objects);
    expect(redis.spec.volumeClaimTemplates).toBeUndefined();
    expect(redis.spec.template.spec.volumes).toEqual([{ name: "data", emptyDir: {} }]);
    expect(redis.spec.template.spec.containers[0]!.volumeMounts?.[0]?.name).toBe("data");
    // the persistent one next to it keeps its claim
    expect(find("StatefulSet", "postgres", objects).spec.volumeClaimTemplates).toHaveLength(1);
    expect(objects.flatMap((o) => validateObject(o))).toEqual([]);
  });

  it("defines POSTGRES_PASSWORD before the DATABASE_URL that expands it", () => {
    const env = find("Deployment", "myapp").spec.template.spec.containers[0]!.env!;
    const names = env.map((e) => e.name);
    const url = env.find((e) => e.name === "DATABASE_URL")!;
    expect(url.value).toBe("postgresql://myapp:$(POSTGRES_PASSWORD)@postgres:5432/orders");
    expect(names.indexOf("POSTGRES_PASSWORD")).toBeGreaterThanOrEqual(0);
    expect(names.indexOf("POSTGRES_PASSWORD")).toBeLessThan(names.indexOf("DATABASE_URL"));
    expect(env.find((e) => e.name === "POSTGRES_PASSWORD")!.valueFrom).toEqual({
      secretKeyRef: { name: "postgres-credentials", key: "password" },
    });
  });

  it("expands $(VAR) only from variables defined earlier, in every container", () => {
    let references = 0;
    for (const w of workloads()) {
      for (const c of containersOf(w)) {
        const env = c.env ?? [];
        env.forEach((e, i) => {
          for (const [, ref] of (e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
            references++;
            const defined = env.slice(0, i).map((d) => d.name);
            expect(defined, `${w.metadata.name}/${c.name} ${e.name}`).toContain(ref);
          }
        });
        for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
          for (const [, ref] of arg.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
            references++;
            expect(
              env.map((d) => d.name),
              `${w.metadata.name}/${c.name} ${arg}`,
            ).toContain(ref);
          }
        }
      }
    }
    // DATABASE_URL (myapp, migrate, seed), REDIS_URL, AMQP_URL, redis --requirepass, and the
    // PGPASSWORD of myapp's schema wait
    expect(references).toBe(7);
  });
});
