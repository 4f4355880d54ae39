import { delimiter } from "node:path";
import type { Plan } from "../../plan/types.js";
import { KubeClient } from "./client.js";
import { Discovery } from "./discovery.js";
import { resolveCluster, type ClusterSelection } from "./kubeconfig.js";

export interface ClusterSession {
  client: KubeClient;
  discovery: Discovery;
  /** The plan, in the namespace `--namespace` chose (else the spec's). */
  plan: Plan;
  /** The label selector of everything this stack applied. */
  stackSelector: string;
  /** The API server's version, e.g. v1.37.2. */
  serverVersion: string;
  /** How helm reaches the same cluster: the kubeconfig files and the context. */
  helm: { kubeconfig: string; context: string };
}

/**
 * Opens the cluster of the selected context and checks that it answers, so that an unreachable
 * or refusing cluster is one line before anything else is tried.
 */
export async function connect(
  selection: ClusterSelection & { namespace?: string | undefined },
  plan: Plan,
): Promise<ClusterSession> {
  const cluster = resolveCluster(selection);
  const client = new KubeClient(cluster);
  const version = await client.request<{ gitVersion: string }>("/version", { retry: false });
  const namespace = selection.namespace ?? plan.namespace;
  return {
    client,
    discovery: new Discovery(client),
    plan: namespace === plan.namespace ? plan : { ...plan, namespace },
    stackSelector: `app.kubernetes.io/part-of=${plan.stack},app.kubernetes.io/managed-by=parity`,
    serverVersion: version.gitVersion,
    helm: { kubeconfig: cluster.files.join(delimiter), context: cluster.context },
  };
}
