import type { ResourceEvent } from "../../run/events.js";
import type { ClusterSelection } from "../../run/cluster/kubeconfig.js";
import { systemClock } from "../../run/local/poll.js";
import { plainView, TtyView } from "../live-view.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

export interface ClusterCommandOptions extends ClusterSelection {
  file: string;
  namespace?: string | undefined;
}

/**
 * `parity up --target cluster`: the stack applied to the selected cluster in dependency order.
 * Returns once everything is ready (or the first failure, with the reason and the pod's log).
 */
export async function upClusterCommand(
  options: ClusterCommandOptions & { names: string[] },
  output: Output,
  tty: NodeJS.WriteStream | undefined,
): Promise<number> {
  const project = openProject(options.file);
  const { plan } = project;
  const { upCluster } = await import("../../run/cluster/up.js");
  project.secrets.save();
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const names = plan.resources.map((r) => r.name);
  const view = tty ? new TtyView(names, tty, () => systemClock.now()) : undefined;
  const plain = plainView((line) => output.info(line), Math.max(...names.map((n) => n.length)));
  const report = (event: ResourceEvent) => (view ? view.report(event) : plain(event));
  try {
    const result = await upCluster({
      ...options,
      projectDir: project.dir,
      plan,
      report,
      info: (message) => output.info(message),
      signal: interrupt.signal,
    }).finally(() => view?.close());
    const { client } = result.session;
    for (const warning of new Set(client.warnings))
      output.info(`warning from the API server: ${warning}`);
    if (interrupt.signal.aborted) {
      output.info(
        "interrupted: what was applied stays in the cluster (`parity down --target cluster`)",
      );
      return 130;
    }
    if (result.failures.length) {
      for (const failure of result.failures) {
        output.error(`\n✖ ${failure.message}`);
        for (const line of failure.logTail) output.error(`  │ ${line}`);
      }
      return 1;
    }
    output.info(
      `\n${result.session.plan.stack} is up in namespace ${result.session.plan.namespace} of context ${client.cluster.context} (${client.counts.total} API requests, ${client.counts.writes} writes)`,
    );
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
