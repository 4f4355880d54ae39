/**
 * The testbed's stand-in for local-path-provisioner (which needs a kubelet to run its helper
 * pods): it provisions a hostPath PersistentVolume for each claim of a StorageClass whose
 * provisioner is `rancher.io/local-path`, at the class's `pathPattern`, once the scheduler has
 * picked a node (WaitForFirstConsumer). The real PV controller then binds claim and volume.
 * Released volumes of a class that deletes are deleted. Run as: provisioner.ts KUBECONFIG DIR
 */
import {
  CoreV1Api,
  KubeConfig,
  StorageV1Api,
  type V1PersistentVolume,
} from "@kubernetes/client-node";
import { join } from "node:path";

const PROVISIONER = "rancher.io/local-path";
const SELECTED_NODE = "volume.kubernetes.io/selected-node";
const POLL_MS = 200;

const [kubeconfigPath, volumesDir] = process.argv.slice(2);
if (!kubeconfigPath || !volumesDir) {
  console.error("usage: provisioner.ts KUBECONFIG DIR");
  process.exit(2);
}
const config = new KubeConfig();
config.loadFromFile(kubeconfigPath);
const core = config.makeApiClient(CoreV1Api);
const storage = config.makeApiClient(StorageV1Api);

function volumePath(
  pattern: string | undefined,
  namespace: string,
  name: string,
  uid: string,
): string {
  const relative = pattern
    ? pattern.replaceAll("{{ .PVC.Namespace }}", namespace).replaceAll("{{ .PVC.Name }}", name)
    : `pvc-${uid}_${namespace}_${name}`;
  return join(volumesDir!, relative);
}

async function reconcile(): Promise<void> {
  const classes = new Map(
    (await storage.listStorageClass()).items
      .filter((c) => c.provisioner === PROVISIONER)
      .map((c) => [c.metadata!.name!, c]),
  );
  const volumes = (await core.listPersistentVolume()).items;
  const claimed = new Set(volumes.map((v) => v.spec?.claimRef?.uid));
  for (const claim of (await core.listPersistentVolumeClaimForAllNamespaces()).items) {
    const { namespace, name, uid, annotations } = claim.metadata!;
    const sc = classes.get(claim.spec?.storageClassName ?? "");
    const node = annotations?.[SELECTED_NODE];
    if (!sc || claim.status?.phase !== "Pending" || claimed.has(uid)) continue;
    if (sc.volumeBindingMode === "WaitForFirstConsumer" && !node) continue;
    const volume: V1PersistentVolume = {
      metadata: {
        name: `pvc-${uid}`,
        annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER },
      },
      spec: {
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
        accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
        storageClassName: sc.metadata!.name!,
        claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name, uid },
        hostPath: {
          path: volumePath(sc.parameters?.pathPattern, namespace!, name!, uid!),
          type: "DirectoryOrCreate",
        },
        ...(node
          ? {
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: "kubernetes.io/hostname", operator: "In", values: [node] },
                      ],
                    },
                  ],
                },
              },
            }
          : {}),
      },
    };
    await core.createPersistentVolume({ body: volume }).catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  }
  for (const volume of volumes) {
    const ours = volume.metadata?.annotations?.["pv.kubernetes.io/provisioned-by"] === PROVISIONER;
    if (
      ours &&
      volume.status?.phase === "Released" &&
      volume.spec?.persistentVolumeReclaimPolicy === "Delete"
    )
      await core.deletePersistentVolume({ name: volume.metadata!.name! }).catch(() => {});
  }
}

// Errors (the API server restarting, say) are retried on the next round.
for (;;) {
  await reconcile().catch((error: unknown) => console.error(`provisioner: ${String(error)}`));
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
