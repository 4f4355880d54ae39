import { UsageError } from "../../errors.js";
import { didYouMean } from "../../spec/suggest.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import type { ClusterCommandOptions } from "./up-cluster.js";

/** `parity down --target cluster [--volumes]`. */
export async function downClusterCommand(
  options: ClusterCommandOptions & { volumes?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const { connect } = await import("../../run/cluster/session.js");
  const { downCluster } = await import("../../run/cluster/down.js");
  const { stopForwarder } = await import("../../run/cluster/forwarder.js");
  const { systemClock } = await import("../../run/local/poll.js");
  if (await stopForwarder(dir, systemClock)) output.info("  stopped the port forwards");
  const session = await connect(options, plan);
  const outcome = await downCluster(session, dir, {
    volumes: Boolean(options.volumes),
    onDeleted: (object) => output.info(`  deleted ${object}`),
  });
  if (!outcome.deleted.length) output.info("nothing of this stack is in the cluster");
  for (const { object, managers } of outcome.foreign)
    output.info(`  left alone: ${object} was not created by parity (managed by: ${managers})`);
  output.info(
    options.volumes
      ? `the namespace ${session.plan.namespace} stays; its volume claims are gone`
      : `the volume claims stay (\`--volumes\` deletes them); so does the namespace ${session.plan.namespace}`,
  );
  return 0;
}

/** `parity status --target cluster [--json]`. */
export async function statusClusterCommand(
  options: ClusterCommandOptions & { json?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const { connect } = await import("../../run/cluster/session.js");
  const { clusterStatus } = await import("../../run/cluster/status.js");
  const session = await connect(options, plan);
  const rows = await clusterStatus(session, dir);
  if (options.json) {
    output.print(
      JSON.stringify(
        {
          stack: plan.stack,
          target: "cluster",
          context: session.client.cluster.context,
          server: session.client.cluster.server,
          serverVersion: session.serverVersion,
          namespace: session.plan.namespace,
          resources: rows,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  output.info(
    `context ${session.client.cluster.context} (${session.serverVersion}), namespace ${session.plan.namespace}`,
  );
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const state = r.state === "exited" ? "exited 0" : r.state;
    const extras = [
      r.images.join(", "),
      r.detail ?? "",
      r.outdated ? "(outdated: `parity up`)" : "",
    ];
    output.print(
      `${r.name.padEnd(width)}  ${state.padEnd(12)} ${extras.filter(Boolean).join("  ")}`.trimEnd(),
    );
  }
  return 0;
}

/** `parity logs --target cluster [RESOURCE…] [-f]`: each pod's containers, prefixed by resource. */
export async function logsClusterCommand(
  options: ClusterCommandOptions & { names: string[]; follow?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const known = plan.resources.map((r) => r.name);
  for (const name of options.names)
    if (!known.includes(name))
      throw new UsageError(`no resource "${name}"${didYouMean(name, known)}`);
  const { connect } = await import("../../run/cluster/session.js");
  const { resourcePods } = await import("../../run/cluster/pods.js");
  const { podLog } = await import("../../run/cluster/logs.js");
  const session = await connect(options, plan);
  const names = options.names.length ? options.names : known;
  const pods = await resourcePods(session, dir, names);
  const width = Math.max(0, ...names.map((n) => n.length));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await Promise.all(
      pods.flatMap(({ resource, pod, containers }) =>
        containers.map((container) =>
          podLog(
            session.client,
            pod,
            container,
            { follow: Boolean(options.follow) },
            (line) =>
              output.print(
                `${resource.padEnd(width)} | ${containers.length > 1 ? `[${container}] ` : ""}${line}`,
              ),
            stop.signal,
          ).catch((error: unknown) =>
            output.error(
              `${resource}: no log from ${pod.metadata.name}/${container}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          ),
        ),
      ),
    );
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return 0;
}
