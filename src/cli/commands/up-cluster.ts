import type { ResourceEvent } from "../../run/events.js";
import type { ClusterSelection } from "../../run/cluster/kubeconfig.js";
import { connect } from "node:net";
import { resolve } from "node:path";
import { ClusterError } from "../../run/cluster/errors.js";
import { logTail } from "../../run/local/log-tail.js";
import { pollUntil, systemClock } from "../../run/local/poll.js";
import { isAlive } from "../../run/local/proc.js";
import { localEndpoints } from "../endpoints.js";
import { plainView, TtyView } from "../live-view.js";
import type { Output } from "../output.js";
import { openProject, requireExternalValues } from "../project.js";

export interface ClusterCommandOptions extends ClusterSelection {
  file: string;
  namespace?: string | undefined;
}

/** The cluster flags again, for the detached forwarder: paths absolute, it runs elsewhere. */
function clusterArgs(options: ClusterCommandOptions): string[] {
  return [
    ...(options.context ? ["--context", options.context] : []),
    ...(options.kubeconfig ? ["--kubeconfig", resolve(options.kubeconfig)] : []),
    ...(options.namespace ? ["--namespace", options.namespace] : []),
  ];
}

/** Replaces the project's detached forwarder and waits until it listens (or says why not). */
async function detachForwarder(
  dir: string,
  specPath: string,
  options: ClusterCommandOptions,
  probePort: number,
): Promise<void> {
  const { startForwarder, stopForwarder, forwarderLog } =
    await import("../../run/cluster/forwarder.js");
  await stopForwarder(dir, systemClock);
  const identity = startForwarder(dir, {
    bin: process.argv[1]!,
    file: specPath,
    args: clusterArgs(options),
  });
  const outcome = await pollUntil(
    () =>
      new Promise<void>((ok, fail) => {
        const socket = connect(probePort, "127.0.0.1", () => {
          socket.destroy();
          ok();
        });
        socket.once("error", fail);
      }),
    { timeoutMs: 15_000, stop: () => (isAlive(identity) ? undefined : "the forwarder exited") },
  );
  if (!outcome.ok) {
    throw new ClusterError(
      `the port forwards did not start (${outcome.reason}):\n${logTail(forwarderLog(dir), 5).join("\n")}`,
    );
  }
}

/** `parity forward --target cluster` (hidden): holds the stack's port forwards until SIGTERM. */
export async function forwardCommand(
  options: ClusterCommandOptions,
  output: Output,
): Promise<number> {
  const { plan } = openProject(options.file);
  const { connect: connectCluster } = await import("../../run/cluster/session.js");
  const { planForwards, startForwards } = await import("../../run/cluster/forward.js");
  const session = await connectCluster(options, plan);
  const forwards = planForwards(session.plan);
  const running = await startForwards(session, forwards, (m) => output.error(m));
  output.info(
    `forwarding ${forwards.map((f) => `127.0.0.1:${f.host} → ${f.service}:${f.port}`).join(", ")}`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await running.close();
  return 0;
}

/**
 * `parity up --target cluster`: the stack applied to the selected cluster in dependency order.
 * Returns once everything is ready (or the first failure, with the reason and the pod's log).
 */
export async function upClusterCommand(
  options: ClusterCommandOptions & { names: string[]; detach?: boolean; forward?: boolean },
  output: Output,
  tty: NodeJS.WriteStream | undefined,
): Promise<number> {
  const project = openProject(options.file);
  const { plan } = project;
  requireExternalValues(plan);
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
    if (options.forward === false) return 0;
    const { planForwards, startForwards } = await import("../../run/cluster/forward.js");
    const forwards = planForwards(result.session.plan).filter(
      (f) => result.phases.get(f.resource) === "ready",
    );
    if (!forwards.length) return 0;
    const endpoints = () => {
      output.info("");
      for (const { label, url } of localEndpoints(plan).filter((e) =>
        result.phases.has(e.resource),
      ))
        output.info(`  ${label.padEnd(16)} ${url}`);
    };
    if (options.detach) {
      await detachForwarder(project.dir, project.specPath, options, forwards[0]!.host);
      endpoints();
      output.info(
        "\nport forwards run in the background: `parity status --target cluster`, `parity down --target cluster`",
      );
      return 0;
    }
    const running = await startForwards(result.session, forwards, (m) => output.error(m));
    endpoints();
    output.info(
      "\nCtrl-C stops the port forwards; the stack stays in the cluster (`parity down --target cluster`)",
    );
    await new Promise<void>((resolve) => {
      if (interrupt.signal.aborted) resolve();
      interrupt.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await running.close();
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
