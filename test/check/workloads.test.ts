import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseImage } from "../../src/check/bitnami.js";
import type { ImageOccurrence } from "../../src/check/images.js";
import { RULES } from "../../src/check/rules/index.js";
import { checkText } from "../../src/check/scan.js";
import { SourceFile } from "../../src/check/source.js";
import {
  composeEnv,
  composeServices,
  dependencyKind,
  env,
  isPersistent,
  mounts,
  nearestObjects,
  objects,
  postgresMajor,
  sameNamespace,
  tagMajor,
  volumes,
  workloads,
} from "../../src/check/workloads.js";
import { code } from "./helpers.js";

const manifest = (text: string, path = "k8s/app.yaml") => new SourceFile(path, "manifest", text);
const image = (display: string): ImageOccurrence => ({
  ref: parseImage(display)!,
  display,
  start: 0,
  end: display.length,
  inChart: false,
});

describe("dependencyKind", () => {
  it.each([
    ["postgres:18.1", "postgres"],
    ["docker.io/library/postgres", "postgres"],
    ["bitnami/postgresql:16", "postgres"],
    ["postgis/postgis:17-3.5", "postgres"],
    ["pgvector/pgvector:pg18", "postgres"],
    ["timescale/timescaledb-ha:pg17", "postgres"],
    ["redis:8.4.0", "redis"],
    ["redis/redis-stack-server:7.4.0-v3", "redis"],
    ["eqalpha/keydb", "redis"],
    ["valkey/valkey:9.0.1", "valkey"],
    ["rabbitmq:4.2.2-management", "rabbitmq"],
    ["mysql:8.4", "mysql"],
    ["percona/percona-server:8.0", "mysql"],
    ["mariadb:11.4", "mariadb"],
    ["mongo:8", "mongo"],
    ["mongodb/mongodb-community-server:8.0-ubi9", "mongo"],
    ["apache/kafka:4.1.1", "kafka"],
    ["apache/kafka-native:4.1.1", "kafka"],
    ["confluentinc/cp-kafka:7.9.0", "kafka"],
    ["docker.elastic.co/elasticsearch/elasticsearch:8.19.0", "elasticsearch"],
    ["opensearchproject/opensearch:3", "elasticsearch"],
    ["quay.io/minio/minio", "minio"],
    ["localstack/localstack:4.14.0", "localstack"],
  ])("%s is %s", (reference, kind) => {
    expect(dependencyKind(parseImage(reference))).toBe(kind);
  });

  it.each([
    "quay.io/prometheuscommunity/postgres-exporter",
    "oliver006/redis_exporter",
    "rabbitmqoperator/cluster-operator",
    "bitnami/rabbitmq-cluster-operator",
    "nginx:1.27",
    "ghcr.io/example/kafka-ui",
    "constructor",
  ])("%s is no dependency", (reference) => {
    expect(dependencyKind(parseImage(reference))).toBeUndefined();
  });

  it("accepts nothing", () => expect(dependencyKind(undefined)).toBeUndefined());
});

describe("versions", () => {
  it.each([
    ["18", 18],
    ["18.1", 18],
    ["18-alpine", 18],
    ["17.7-trixie", 17],
    ["v3", 3],
    ["latest", undefined],
    ["alpine3.22", undefined],
    [undefined, undefined],
  ])("tagMajor(%s) = %s", (tag, major) => expect(tagMajor(tag)).toBe(major));

  it.each([
    ["postgres", "latest"],
    ["postgres:latest", "latest"],
    ["postgres:alpine", "latest"],
    ["postgres:18", 18],
    ["postgres:17.7-alpine", 17],
    ["docker.io/library/postgres:16.11", 16],
    ["mirror.gcr.io/library/postgres:18.1", 18],
    ["postgis/postgis:17-3.5", 17],
    ["pgvector/pgvector:pg18", 18],
    ["pgvector/pgvector:0.8.0-pg17", 17],
    ["timescale/timescaledb:latest-pg16", 16],
    [`postgres:16@sha256:${"a".repeat(64)}`, 16],
    [`postgres@sha256:${"a".repeat(64)}`, undefined],
    ["postgis/postgis", undefined], // a fork's latest is its own
    ["bitnami/postgresql:18", undefined], // another layout
    ["ghcr.io/cloudnative-pg/postgresql:18.1", undefined],
    ["timescale/timescaledb-ha:pg17", undefined],
    ["redis:8", undefined],
  ])("postgresMajor(%s) = %s", (display, major) => {
    expect(postgresMajor(image(display))).toBe(major);
  });
});

const ALL_KINDS = code(`
  apiVersion: v1
  kind: Pod
  metadata: {name: a, namespace: one}
  spec:
    containers: [{name: a, image: "postgres:18.1"}]
  ---
  kind: Deployment
  metadata: {name: b}
  spec:
    template:
      spec:
        initContainers: [{name: wait, image: busybox:1.37}]
        containers: [{name: b, image: redis:8.4.0}]
  ---
  kind: StatefulSet
  metadata: {name: c}
  spec: {template: {spec: {containers: [{name: c, image: rabbitmq:4.2.2}]}}}
  ---
  kind: DaemonSet
  metadata: {name: d}
  spec: {template: {spec: {containers: [{name: d, image: "{{ .Values.image }}"}]}}}
  ---
  kind: ReplicaSet
  metadata: {name: e}
  spec: {template: {spec: {containers: [{name: e}]}}}
  ---
  kind: Job
  metadata: {name: f}
  spec: {template: {spec: {containers: [{name: f, image: mongo:8.0}]}}}
  ---
  kind: CronJob
  metadata: {name: g}
  spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: g, image: mysql:8.4}]}}}}}
  ---
  kind: List
  items:
    - kind: Deployment
      metadata: {name: h}
      spec: {template: {spec: {containers: [{name: h, image: "apache/kafka:4.1.1"}]}}}
  ---
  kind: ConfigMap
  metadata: {name: not-a-workload}
  ---
  kind: Deployment
  metadata: {name: no-template}
  spec: {replicas: 1}
`);

describe("workloads", () => {
  const file = manifest(ALL_KINDS);

  it("finds the pod spec of every workload kind, List items included", () => {
    expect(workloads(file).map((w) => `${w.kind}/${w.name}`)).toEqual([
      "Pod/a",
      "Deployment/b",
      "StatefulSet/c",
      "DaemonSet/d",
      "ReplicaSet/e",
      "Job/f",
      "CronJob/g",
      "Deployment/h",
    ]);
    expect(objects(file).map((o) => o.name)).toContain("not-a-workload");
    expect(workloads(file)[0]!.namespace).toBe("one");
  });

  it("lists containers, then init containers, with their images and kinds", () => {
    const summary = workloads(file).flatMap((w) =>
      w.containers.map((c) => [c.name, c.init, c.image?.display, c.kind]),
    );
    expect(summary).toEqual([
      ["a", false, "postgres:18.1", "postgres"],
      ["b", false, "redis:8.4.0", "redis"],
      ["wait", true, "busybox:1.37", undefined],
      ["c", false, "rabbitmq:4.2.2", "rabbitmq"],
      ["d", false, undefined, undefined], // templated: not an image we can read
      ["e", false, undefined, undefined],
      ["f", false, "mongo:8.0", "mongo"],
      ["g", false, "mysql:8.4", "mysql"],
      ["h", false, "apache/kafka:4.1.1", "kafka"],
    ]);
    const a = workloads(file)[0]!.containers[0]!.image!;
    expect(file.text.slice(a.start, a.end)).toBe("postgres:18.1");
  });

  it("is the same answer on every call (parsed once per file)", () => {
    expect(workloads(file)).toBe(workloads(file));
  });

  it("survives shapes that are not Kubernetes objects", () => {
    for (const text of [
      "",
      "kind: Deployment\nspec: {template: {spec: {containers: 3}}}\n",
      "kind: [Pod]\n",
      "kind: Pod\nspec: {containers: [1, null, {image: [x]}], volumes: {a: b}}\n",
      "kind: List\nitems: [1, {kind: Pod, spec: []}]\n",
      "- kind: Pod\n",
      "a: [\n",
    ]) {
      const odd = manifest(text);
      expect(() => workloads(odd).flatMap((w) => volumes(w))).not.toThrow();
    }
  });
});

describe("volumes and mounts", () => {
  const file = manifest(
    code(`
      kind: StatefulSet
      metadata: {name: db}
      spec:
        template:
          spec:
            containers:
              - name: db
                image: postgres:17.7
                env:
                  - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
                  - {name: PGPORT, value: 5432}
                  - name: POSTGRES_PASSWORD
                    valueFrom: {secretKeyRef: {name: db, key: password}}
                volumeMounts:
                  - {name: data, mountPath: /var/lib/postgresql/data/}
                  - {name: shared, mountPath: /shared, subPath: db}
                  - {name: run, mountPath: /var/run/postgresql}
                  - {name: nowhere, mountPath: /x}
            volumes:
              - name: shared
                persistentVolumeClaim: {claimName: shared-claim}
              - name: run
                emptyDir: {}
        volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce]}
    `),
  );
  const [workload] = workloads(file);
  const [container] = workload!.containers;

  it("maps each mount to its volume or claim template", () => {
    const found = mounts(workload!, container!).map((m) => [
      m.path,
      m.subPath,
      m.volume?.source,
      m.volume?.claimName,
      isPersistent(m.volume),
    ]);
    expect(found).toEqual([
      ["/var/lib/postgresql/data", undefined, "claimTemplate", undefined, true],
      ["/shared", "db", "persistentVolumeClaim", "shared-claim", true],
      ["/var/run/postgresql", undefined, "emptyDir", undefined, false],
      ["/x", undefined, undefined, undefined, false],
    ]);
    const claim = volumes(workload!)[0]!.claimNode!;
    expect(file.text.slice(claim.range![0], claim.range![1])).toBe("shared-claim");
  });

  it("reads env values: literal, numeric, from a Secret, missing", () => {
    expect(env(container!, "PGDATA")?.value).toBe("/var/lib/postgresql/data/pgdata");
    expect(env(container!, "PGPORT")?.value).toBe("5432");
    expect(env(container!, "POSTGRES_PASSWORD")).toMatchObject({ value: undefined });
    expect(env(container!, "PGHOST")).toBeUndefined();
  });
});

describe("nearestObjects", () => {
  const pvc = (mode: string) =>
    `kind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [${mode}]}\n`;
  const deployment = manifest(`kind: Deployment\nmetadata: {name: app}\n`, "app/base/app.yaml");
  const sameDir = manifest(pvc("ReadWriteOnce"), "app/base/pvc.yaml");
  const elsewhere = manifest(pvc("ReadWriteMany"), "other/pvc.yaml");
  const values = new SourceFile("app/base/values.yaml", "helm-values", pvc("ReadWriteMany"));
  const isData = (o: { kind: string; name?: string }) => o.name === "data";

  it("without a run context, sees the file only", () => {
    expect(nearestObjects(deployment, undefined, isData)).toEqual([]);
    expect(nearestObjects(deployment, {}, isData)).toEqual([]);
  });

  it("prefers the same file, then the same directory, then the run's manifests", () => {
    const files = () => [deployment, elsewhere, sameDir, values];
    expect(nearestObjects(deployment, { files }, isData).map((f) => f.file.path)).toEqual([
      "app/base/pvc.yaml",
    ]);
    const far = () => [deployment, elsewhere];
    expect(nearestObjects(deployment, { files: far }, isData).map((f) => f.file.path)).toEqual([
      "other/pvc.yaml",
    ]);
    const own = manifest(`${pvc("ReadWriteOncePod")}---\nkind: Deployment\n`, "app/base/pvc.yaml");
    expect(nearestObjects(own, { files }, isData).map((f) => f.file)).toEqual([own]);
  });

  it("treats an unset namespace as any", () => {
    expect(sameNamespace(undefined, "a")).toBe(true);
    expect(sameNamespace("a", "a")).toBe(true);
    expect(sameNamespace("a", "b")).toBe(false);
  });
});

describe("compose services", () => {
  const file = new SourceFile(
    "compose.yaml",
    "compose",
    code(`
      services:
        db:
          image: postgres:18.1
          environment:
            PGDATA: /var/lib/postgresql/18/docker
            EMPTY:
        worker:
          image: \${REGISTRY}/worker
          environment:
            - PGHOST=db
            - FLAG
        broken: 3
    `),
  );

  it("lists services with their images and kinds", () => {
    expect(composeServices(file).map((s) => [s.name, s.image?.display, s.kind])).toEqual([
      ["db", "postgres:18.1", "postgres"],
      ["worker", undefined, undefined],
    ]);
  });

  it("reads the environment in map and list form", () => {
    const [db, worker] = composeServices(file);
    expect(composeEnv(db!, "PGDATA")).toBe("/var/lib/postgresql/18/docker");
    expect(composeEnv(db!, "EMPTY")).toBe("");
    expect(composeEnv(worker!, "PGHOST")).toBe("db");
    expect(composeEnv(worker!, "FLAG")).toBe("");
    expect(composeEnv(worker!, "OTHER")).toBeUndefined();
  });
});

describe("the stateful rules on arbitrary workload-shaped YAML", () => {
  const KEYS = [
    "kind",
    "metadata",
    "name",
    "namespace",
    "spec",
    "template",
    "jobTemplate",
    "containers",
    "initContainers",
    "image",
    "command",
    "args",
    "env",
    "value",
    "valueFrom",
    "volumeMounts",
    "mountPath",
    "subPath",
    "volumes",
    "persistentVolumeClaim",
    "claimName",
    "emptyDir",
    "volumeClaimTemplates",
    "accessModes",
    "strategy",
    "type",
    "rollingUpdate",
    "maxSurge",
    "readinessProbe",
    "exec",
    "enableServiceLinks",
    "clusterIP",
    "items",
    "services",
    "healthcheck",
    "test",
    "environment",
    "entrypoint",
    "target",
  ];
  const LEAVES = [
    "Deployment",
    "StatefulSet",
    "CronJob",
    "Pod",
    "List",
    "Service",
    "PersistentVolumeClaim",
    "kafka",
    "postgres",
    "postgres:18",
    "rabbitmq",
    "redis:latest",
    "apache/kafka:4.1.1",
    "minio/minio",
    "localstack/localstack",
    "/var/lib/postgresql/data",
    "ReadWriteOnce",
    "PGDATA",
    "PGHOST",
    "RABBITMQ_NODENAME",
    "pg_isready",
    "pg_isready -U x",
    "sh -c 'pg_isready -h'",
    "pgdata:/var/lib/postgresql/data",
    "None",
    "0",
    "$(X)",
    "",
    null,
    true,
    false,
    0,
  ];

  it("never throws and reports inside the text", () => {
    const mine = new Set([
      "stateful-readiness-probe",
      "pg-isready-without-host",
      "postgres-data-path",
      "rabbitmq-deployment",
      "rwo-pvc-rolling-update",
      "stateful-image-tag",
      "kafka-service-links",
      "archived-image",
    ]);
    const rules = RULES.filter((r) => mine.has(r.meta.id));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: "small", maxDepth: 7 },
        fc.constantFrom(...LEAVES),
        fc.array(tie("tree"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie("tree"), { maxKeys: 4 }),
      ),
    }));
    let reported = 0;
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join("---\n");
        for (const [path, type] of [
          ["k8s/x.yaml", "manifest"],
          ["compose.yaml", "compose"],
        ] as const) {
          for (const f of checkText(path, type, text, { rules })) {
            expect(f.ruleId).not.toBe("internal-error");
            expect(f.line).toBeLessThanOrEqual(text.split("\n").length);
            reported++;
          }
        }
      }),
      { numRuns: 400 },
    );
    // The vocabulary reaches the rules: some random documents are reported.
    expect(reported).toBeGreaterThan(0);
  });
});
