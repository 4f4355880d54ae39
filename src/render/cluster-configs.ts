import type { Plan } from "../plan/types.js";
import { CLUSTER_DIR, GENERATED, type RenderedFile } from "./files.js";
import { yamlDocuments } from "./yaml.js";

/** Where each distribution's local-path-provisioner keeps volumes inside a node. */
const K3S_STORAGE = "/var/lib/rancher/k3s/storage";
const KIND_STORAGE = "/var/local-path-provisioner";

/**
 * k3d and kind configs that map one host folder into every node at the provisioner's path.
 * Together with the `parity-retain` StorageClass (stable paths, Retain) data survives deleting
 * and re-creating the cluster. Relative folders are relative to where the cluster is created from.
 */
export function renderClusterConfigs(plan: Plan): RenderedFile[] {
  const { name, storage, agents } = plan.cluster;
  // k3d hands the path to Docker unresolved (a relative one fails) but expands ${PWD} itself.
  const k3dStorage = storage.startsWith("/") ? storage : `\${PWD}/${storage.replace(/^\.\//, "")}`;
  const k3d = {
    apiVersion: "k3d.io/v1alpha5",
    kind: "Simple",
    metadata: { name },
    servers: 1,
    agents,
    volumes: [{ volume: `${k3dStorage}:${K3S_STORAGE}`, nodeFilters: ["all"] }],
    // A registry of its own, announced to Tilt by k3d's local-registry-hosting ConfigMap.
    registries: { create: { name: `${name}-registry` } },
  };
  const kind = {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name,
    nodes: [
      { role: "control-plane", extraMounts: [{ hostPath: storage, containerPath: KIND_STORAGE }] },
      ...Array.from({ length: agents }, () => ({
        role: "worker",
        extraMounts: [{ hostPath: storage, containerPath: KIND_STORAGE }],
      })),
    ],
  };
  return [
    {
      path: `${CLUSTER_DIR}/k3d.yaml`,
      content: yamlDocuments(
        [k3d],
        `# ${GENERATED}\n# Create from the directory of parity.yaml: k3d cluster create --config ${CLUSTER_DIR}/k3d.yaml`,
      ),
    },
    {
      path: `${CLUSTER_DIR}/kind.yaml`,
      content: yamlDocuments(
        [kind],
        `# ${GENERATED}\n# Create from the directory of parity.yaml: kind create cluster --config ${CLUSTER_DIR}/kind.yaml`,
      ),
    },
  ];
}
