import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import { renderAll, type RenderedFile } from "../../src/render/index.js";
import { loadSpec } from "../../src/spec/load.js";

const FIXTURE = readFileSync(new URL("../fixtures/myapp/parity.yaml", import.meta.url), "utf8");
const SECRETS = { get: (key: string) => `secret-${key.toLowerCase()}` };

const K3S_STORAGE = "/var/lib/rancher/k3s/storage";
const KIND_STORAGE = "/var/local-path-provisioner";

/** The fixture with a `cluster:` section of its own. */
function render(cluster = ""): RenderedFile[] {
  const spec = loadSpec(`${FIXTURE}\n${cluster}`, "parity.yaml", kindRules);
  return renderAll(buildPlan(spec, SECRETS));
}

function file(files: readonly RenderedFile[], path: string): string {
  const found = files.find((f) => f.path === path);
  if (!found) throw new Error(`${path} was not rendered`);
  return found.content;
}

interface K3dConfig {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  agents: number;
  volumes: Array<{ volume: string; nodeFilters: string[] }>;
}

interface KindConfig {
  apiVersion: string;
  kind: string;
  name: string;
  nodes: Array<{ role: string; extraMounts?: Array<{ hostPath: string; containerPath: string }> }>;
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

interface StorageClass extends K8sObject {
  provisioner: string;
  reclaimPolicy: string;
  volumeBindingMode: string;
  parameters: { pathPattern: string };
}

interface StatefulSet extends K8sObject {
  spec: {
    volumeClaimTemplates?: Array<{
      metadata: { name: string };
      spec: { storageClassName?: string };
    }>;
    persistentVolumeClaimRetentionPolicy?: { whenDeleted: string; whenScaled: string };
    template: { spec: { volumes?: Array<{ name: string; emptyDir?: object }> } };
  };
}

const k3dOf = (files: readonly RenderedFile[]) =>
  parse(file(files, "cluster/k3d.yaml")) as K3dConfig;
const kindOf = (files: readonly RenderedFile[]) =>
  parse(file(files, "cluster/kind.yaml")) as KindConfig;

/** The host side of the k3d volume that is mounted at the k3s provisioner's path. */
function k3dHostPath(config: K3dConfig): string {
  const storage = config.volumes.filter((v) => v.volume.endsWith(`:${K3S_STORAGE}`));
  expect(storage).toHaveLength(1);
  expect(storage[0]!.nodeFilters).toEqual(["all"]);
  return storage[0]!.volume.slice(0, -`:${K3S_STORAGE}`.length);
}

function objects(files: readonly RenderedFile[]): K8sObject[] {
  return files
    .filter((f) => f.path.endsWith(".yaml") && f.path.startsWith("k8s/"))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as K8sObject));
}

function storageClassOf(files: readonly RenderedFile[]): StorageClass {
  const docs = parseAllDocuments(file(files, "k8s/dev/storage-class.yaml")).map(
    (d) => d.toJS() as StorageClass,
  );
  expect(docs.map((d) => d.kind)).toEqual(["StorageClass"]);
  return docs[0]!;
}

describe("k3d config", () => {
  it("is a k3d.io/v1alpha5 Simple config named after the cluster", () => {
    const config = k3dOf(render());
    expect(config.apiVersion).toBe("k3d.io/v1alpha5");
    expect(config.kind).toBe("Simple");
    expect(config.metadata.name).toBe("myapp");
  });

  it("mounts the storage dir at the k3s provisioner's path on all nodes, by a path Docker can use", () => {
    // k3d hands the host path to Docker unresolved: it must be absolute or start with ${PWD}.
    expect(k3dHostPath(k3dOf(render()))).toBe("${PWD}/.parity/storage");
    expect(k3dHostPath(k3dOf(render("cluster:\n  storage: ./data/volumes\n")))).toBe(
      "${PWD}/data/volumes",
    );
    expect(k3dHostPath(k3dOf(render("cluster:\n  storage: ../shared\n")))).toBe("${PWD}/../shared");
    expect(k3dHostPath(k3dOf(render("cluster:\n  storage: /srv/parity\n")))).toBe("/srv/parity");
    for (const storage of ["data", "./data", "../data", "/abs/data", ".parity/storage"]) {
      const host = k3dHostPath(k3dOf(render(`cluster:\n  storage: ${storage}\n`)));
      expect(host, storage).toMatch(/^(\/|\$\{PWD\}\/)/);
      expect(host, storage).not.toContain("/./");
    }
  });

  it("applies the mount to agents too (nodeFilters all)", () => {
    const config = k3dOf(render("cluster:\n  agents: 2\n"));
    expect(config.agents).toBe(2);
    expect(k3dHostPath(config)).toBe("${PWD}/.parity/storage");
  });
});

describe("kind config", () => {
  it("is a kind.x-k8s.io/v1alpha4 Cluster named after the cluster", () => {
    const config = kindOf(render("cluster:\n  name: dev\n"));
    expect(config.apiVersion).toBe("kind.x-k8s.io/v1alpha4");
    expect(config.kind).toBe("Cluster");
    expect(config.name).toBe("dev");
  });

  it.each([0, 2])("mounts the storage dir on every node (agents: %i)", (agents) => {
    const config = kindOf(render(`cluster:\n  agents: ${agents}\n  storage: /srv/parity\n`));
    expect(config.nodes).toHaveLength(agents + 1);
    expect(config.nodes.map((n) => n.role)).toEqual([
      "control-plane",
      ...Array.from({ length: agents }, () => "worker"),
    ]);
    for (const node of config.nodes)
      expect(node.extraMounts).toEqual([{ hostPath: "/srv/parity", containerPath: KIND_STORAGE }]);
  });
});

describe("StorageClass", () => {
  const files = render();
  const storageClass = storageClassOf(files);

  it("uses local-path-provisioner with Retain, WaitForFirstConsumer and a claim-derived path", () => {
    expect(storageClass.provisioner).toBe("rancher.io/local-path");
    expect(storageClass.reclaimPolicy).toBe("Retain");
    expect(storageClass.volumeBindingMode).toBe("WaitForFirstConsumer");
    // local-path-provisioner >= v0.0.33 requires the trailing slash.
    expect(storageClass.parameters.pathPattern).toBe("{{ .PVC.Namespace }}/{{ .PVC.Name }}/");
  });

  it("is used by every volumeClaimTemplate of every StatefulSet", () => {
    const statefulSets = objects(files).filter((o): o is StatefulSet => o.kind === "StatefulSet");
    expect(statefulSets.map((s) => s.metadata.name)).toEqual(["postgres", "redis", "rabbitmq"]);
    for (const set of statefulSets) {
      const templates = set.spec.volumeClaimTemplates ?? [];
      expect(templates.length, set.metadata.name).toBeGreaterThan(0);
      for (const template of templates)
        expect(template.spec.storageClassName).toBe(storageClass.metadata.name);
    }
  });
});

describe("volume paths are stable across cluster re-creation", () => {
  /**
   * Where local-path-provisioner puts a StatefulSet's volume on the host: the node folder the
   * cluster config maps, plus the StorageClass's pathPattern for the claim (`<template>-<set>-0`).
   * Only Go-template fields of the claim are substituted; anything else (a PV name or UID, which a
   * new cluster changes) is left in place and makes the comparison below fail.
   */
  function hostPathsOfVolumes(files: readonly RenderedFile[]): Map<string, string> {
    const storageClass = storageClassOf(files);
    const hostDir = k3dHostPath(k3dOf(files));
    const kindMounts = kindOf(files).nodes.flatMap((n) => n.extraMounts ?? []);
    const paths = new Map<string, string>();
    for (const set of objects(files).filter((o): o is StatefulSet => o.kind === "StatefulSet")) {
      for (const template of set.spec.volumeClaimTemplates ?? []) {
        const claim = `${template.metadata.name}-${set.metadata.name}-0`;
        const path = storageClass.parameters.pathPattern
          .replaceAll("{{ .PVC.Namespace }}", set.metadata.namespace ?? "")
          .replaceAll("{{ .PVC.Name }}", claim);
        // The same host folder backs the provisioner of both distributions.
        for (const mount of kindMounts)
          expect(hostDir.endsWith(mount.hostPath.replace(/^\.\//, ""))).toBe(true);
        paths.set(`${set.metadata.name}/${template.metadata.name}`, `${hostDir}/${path}`);
      }
    }
    return paths;
  }

  it("maps the host folder into the provisioner, names folders after the claim, and keeps them", () => {
    const files = render();
    const storageClass = storageClassOf(files);
    // 1. The host folder is what each node's provisioner writes under.
    expect(k3dHostPath(k3dOf(files))).toBe("${PWD}/.parity/storage");
    expect(
      kindOf(files).nodes.every((n) => n.extraMounts?.[0]?.containerPath === KIND_STORAGE),
    ).toBe(true);
    // 2. Folder names come from the claim, which a StatefulSet names the same in every cluster.
    expect(storageClass.parameters.pathPattern).not.toMatch(/\.PV\b|UID|\.Node/);
    // 3. Nothing deletes the data: the PV is retained and so are the claims.
    expect(storageClass.reclaimPolicy).toBe("Retain");
    for (const set of objects(files).filter((o): o is StatefulSet => o.kind === "StatefulSet")) {
      expect(set.spec.persistentVolumeClaimRetentionPolicy).toEqual({
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
      for (const t of set.spec.volumeClaimTemplates ?? [])
        expect(t.spec.storageClassName).toBe(storageClass.metadata.name);
    }

    expect(Object.fromEntries(hostPathsOfVolumes(files))).toEqual({
      "postgres/data": "${PWD}/.parity/storage/myapp/data-postgres-0/",
      "redis/data": "${PWD}/.parity/storage/myapp/data-redis-0/",
      "rabbitmq/data": "${PWD}/.parity/storage/myapp/data-rabbitmq-0/",
    });
    // A second render (a re-created cluster) finds the same folders.
    expect(hostPathsOfVolumes(render())).toEqual(hostPathsOfVolumes(files));
  });

  it("gives a non-persistent service no claim at all", () => {
    const spec = loadSpec(
      "name: cache\nservices:\n  redis:\n    persistent: false\n",
      "parity.yaml",
      kindRules,
    );
    const [redis] = objects(renderAll(buildPlan(spec, SECRETS))).filter(
      (o): o is StatefulSet => o.kind === "StatefulSet",
    );
    expect(redis!.spec.volumeClaimTemplates).toBeUndefined();
    expect(redis!.spec.template.spec.volumes).toEqual([{ name: "data", emptyDir: {} }]);
  });
});

describe(".tiltignore", () => {
  it("ignores .parity/* but re-includes the secrets file Tilt must read", () => {
    const lines = file(render(), ".tiltignore").split("\n");
    const ignore = lines.indexOf(".parity/*");
    const reinclude = lines.indexOf("!.parity/secrets.yaml");
    expect(ignore).toBeGreaterThan(0);
    // Later patterns win (dockerignore semantics): the exception must come after the exclusion.
    expect(reinclude).toBeGreaterThan(ignore);
    expect(lines[0]).toMatch(/^# Generated by parity from parity\.yaml/);
  });

  it("ignores the project's .parity/ when rendered into another directory", () => {
    const spec = loadSpec(FIXTURE, "parity.yaml", kindRules);
    const files = renderAll(buildPlan(spec, SECRETS), {
      root: "..",
      secretsFile: "../.parity/secrets.yaml",
    });
    const lines = file(files, ".tiltignore").split("\n");
    expect(lines).toContain("../.parity/*");
    expect(lines.indexOf("!../.parity/secrets.yaml")).toBeGreaterThan(
      lines.indexOf("../.parity/*"),
    );
  });
});
