import { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { ClusterError, type ClusterAddress } from "./errors.js";

export interface ClusterSelection {
  /** A kubeconfig file instead of $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string | undefined;
  /** A context instead of the current one. */
  context?: string | undefined;
}

export interface ResolvedCluster extends ClusterAddress {
  config: KubeConfig;
  /** The context's namespace, if it names one. */
  namespace: string | undefined;
  /** The files the configuration came from, for messages. */
  files: string[];
}

function kubeconfigFiles(selection: ClusterSelection): string[] {
  if (selection.kubeconfig) return [selection.kubeconfig];
  const fromEnv = process.env.KUBECONFIG?.split(delimiter).filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  return [join(homedir(), ".kube", "config")];
}

/**
 * The cluster parity talks to, as kubectl would pick it: `--kubeconfig`, else $KUBECONFIG (merged,
 * first file wins), else ~/.kube/config; `--context`, else the current context. Every way this can
 * go wrong is one line that says which file or context, and what to do.
 */
export function resolveCluster(selection: ClusterSelection): ResolvedCluster {
  const files = kubeconfigFiles(selection);
  const present = files.filter((f) => existsSync(f));
  if (!present.length) {
    throw new ClusterError(
      `no kubeconfig: ${files.join(", ")} ${files.length > 1 ? "do" : "does"} not exist (create a cluster with \`parity cluster create\`, or pass --kubeconfig)`,
    );
  }
  const config = new KubeConfig();
  for (const [i, file] of present.entries()) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      throw new ClusterError(`kubeconfig ${file} does not parse: ${reason}`, { cause: error });
    }
    if (i === 0) config.loadFromString(one.exportConfig());
    else config.mergeConfig(one, true);
  }
  const contextName = selection.context ?? config.getCurrentContext();
  if (!contextName) {
    throw new ClusterError(
      `kubeconfig ${present.join(", ")} has no current context: pass --context (one of: ${contextNames(config)})`,
    );
  }
  const context = config.getContextObject(contextName);
  if (!context) {
    throw new ClusterError(
      `no context "${contextName}" in ${present.join(", ")} (contexts: ${contextNames(config)})`,
    );
  }
  config.setCurrentContext(contextName);
  const cluster = config.getCluster(context.cluster);
  if (!cluster) {
    throw new ClusterError(
      `context "${contextName}" names cluster "${context.cluster}", which ${present.join(", ")} does not define`,
    );
  }
  return {
    config,
    context: contextName,
    server: cluster.server,
    namespace: context.namespace,
    files: present,
  };
}

function contextNames(config: KubeConfig): string {
  return (
    config
      .getContexts()
      .map((c) => c.name)
      .join(", ") || "none"
  );
}
