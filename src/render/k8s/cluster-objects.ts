import type { ExternalResource, Plan, ServiceResource } from "../../plan/types.js";
import { labels, metadata, type K8sObject } from "./object.js";

export function namespaceObject(plan: Plan): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: plan.namespace, labels: labels(plan, plan.namespace) },
  };
}

/**
 * local-path-provisioner names volume folders after the PV's UID, which a new cluster changes;
 * a path from the claim's namespace and name finds the old data again. Retain keeps it when the
 * claim goes. The trailing slash is required by provisioner v0.0.33+.
 */
export function storageClassObject(plan: Plan): K8sObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: plan.cluster.storageClass, labels: labels(plan, plan.cluster.storageClass) },
    provisioner: "rancher.io/local-path",
    parameters: { pathPattern: "{{ .PVC.Namespace }}/{{ .PVC.Name }}/" },
    reclaimPolicy: "Retain",
    volumeBindingMode: "WaitForFirstConsumer",
  };
}

/** The Secret of one service, with its value: only ever written to a git-ignored file. */
export function secretObject(plan: Plan, service: ServiceResource): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(plan, service.secretName, service.profile.component),
    type: "Opaque",
    stringData: { password: service.password },
  };
}

/**
 * The Secret of a service parity does not run: the developer's values of its variables, only ever
 * written to a git-ignored file (a variable not set is refused before this is written).
 */
export function externalSecretObject(plan: Plan, service: ExternalResource): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(plan, service.secretName, "external"),
    type: "Opaque",
    stringData: Object.fromEntries(service.variables.map((v) => [v, service.values[v] ?? ""])),
  };
}
