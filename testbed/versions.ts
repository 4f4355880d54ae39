import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The one Kubernetes release the testbed runs; its staging modules are pinned to the same release. */
export const KUBERNETES_VERSION = "v1.37.2";
export const KWOK_VERSION = "v0.8.0";

export const TESTBED_DIR = import.meta.dirname;

/** The binaries the testbed builds, by the Go package each comes from. */
export const BINARIES = {
  etcd: { module: "kube", pkg: "./cmd/etcd" },
  "kube-apiserver": { module: "kube", pkg: "k8s.io/kubernetes/cmd/kube-apiserver" },
  "kube-controller-manager": {
    module: "kube",
    pkg: "k8s.io/kubernetes/cmd/kube-controller-manager",
  },
  "kube-scheduler": { module: "kube", pkg: "k8s.io/kubernetes/cmd/kube-scheduler" },
  kubectl: { module: "kube", pkg: "k8s.io/kubernetes/cmd/kubectl" },
  kwok: { module: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok" },
} as const;

export type BinaryName = keyof typeof BINARIES;

/**
 * Where the built binaries live: outside the repository, one folder per release, so only the
 * first build pays. `PARITY_TESTBED_CACHE` moves it.
 */
export function cacheDir(): string {
  const root = process.env.PARITY_TESTBED_CACHE ?? join(homedir(), ".cache", "parity", "testbed");
  return join(root, KUBERNETES_VERSION);
}

/** What the binaries are built from: a change to any of it means a rebuild. */
export function sourceStamp(goVersion: string): string {
  const hash = createHash("sha256").update(goVersion);
  for (const file of [
    "kube/go.mod",
    "kube/go.sum",
    "kube/cmd/etcd/main.go",
    "kwok/go.mod",
    "kwok/go.sum",
  ]) {
    hash.update(file).update(readFileSync(join(TESTBED_DIR, file)));
  }
  return `${KUBERNETES_VERSION} kwok ${KWOK_VERSION} ${hash.digest("hex").slice(0, 16)}`;
}
