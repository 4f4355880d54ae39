import type { Output } from "../output.js";
import { openProject } from "../project.js";

export interface ClusterOptions {
  file: string;
  action: "create" | "delete";
  /** `k3d` or `kind`; default k3d when on PATH, else kind. */
  provider?: string | undefined;
}

/**
 * `parity cluster create|delete [--provider k3d|kind]`: a local cluster named after the spec's
 * `cluster.name`, created from the rendered config with its nodes Ready and the `parity-retain`
 * StorageClass applied; delete keeps the data in the storage folder.
 */
export async function clusterCommand(options: ClusterOptions, output: Output): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const { chooseProvider, createCluster, deleteCluster } =
    await import("../../run/cluster/provider.js");
  const provider = chooseProvider(options.provider);
  const common = { plan, projectDir: dir, provider, report: (line: string) => output.info(line) };
  if (options.action === "delete") {
    await deleteCluster(common);
    output.info(
      `deleted ${provider} cluster ${plan.cluster.name}; its volumes stay in ${plan.cluster.storage}`,
    );
    return 0;
  }
  const { created } = await createCluster(common);
  output.info(
    `${provider} cluster ${plan.cluster.name} is ${created ? "ready" : "already there and ready"} (context ${provider}-${plan.cluster.name})`,
  );
  return 0;
}
