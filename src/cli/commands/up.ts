import { ensureGitignored } from "../../plan/gitignore.js";
import { UsageError } from "../../errors.js";
import type { ResourceEvent } from "../../run/events.js";
import { stopAll } from "../../run/local/down.js";
import { localLayout } from "../../run/local/layout.js";
import { StackLock } from "../../run/local/lock.js";
import { logTail } from "../../run/local/log-tail.js";
import { systemClock } from "../../run/local/poll.js";
import { isAlive } from "../../run/local/proc.js";
import { upLocal } from "../../run/local/up.js";
import { didYouMean } from "../../spec/suggest.js";
import { localEndpoints } from "../endpoints.js";
import { followLogs } from "../follow.js";
import { plainView, TtyView } from "../live-view.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

export interface UpOptions {
  file: string;
  names: string[];
  target: string;
  detach?: boolean;
  fresh?: boolean;
}

/**
 * `parity up`: the stack (or the named resources and what they need) in dependency order. In the
 * foreground it then follows the logs until Ctrl-C, and stops everything; `--detach` leaves the
 * stack running once it is ready.
 */
export async function upCommand(
  options: UpOptions,
  output: Output,
  tty: NodeJS.WriteStream | undefined,
): Promise<number> {
  if (options.target !== "local") {
    throw new UsageError(
      `--target ${options.target}: only the local target runs stacks so far; for a cluster, \`parity render\` and \`tilt up\``,
    );
  }
  const project = openProject(options.file);
  const { plan } = project;
  const known = plan.resources.map((r) => r.name);
  for (const name of options.names) {
    if (!known.includes(name))
      throw new UsageError(`no resource "${name}" in ${options.file}${didYouMean(name, known)}`);
  }
  const layout = localLayout(project.dir);
  const lock = new StackLock(layout.lock);
  lock.acquire("up");
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    project.secrets.save();
    ensureGitignored(project.dir);

    const names = plan.resources.map((r) => r.name);
    const view = tty ? new TtyView(names, tty, () => systemClock.now()) : undefined;
    const plain = plainView((line) => output.info(line), Math.max(...names.map((n) => n.length)));
    const report = (event: ResourceEvent) => (view ? view.report(event) : plain(event));
    let result;
    try {
      result = await upLocal({
        projectDir: project.dir,
        plan,
        names: options.names,
        fresh: Boolean(options.fresh),
        report,
        signal: interrupt.signal,
        warn: (message) => output.info(`warning: ${message}`),
        note: (message) => output.info(message),
      });
    } finally {
      view?.close();
    }

    if (interrupt.signal.aborted) {
      output.info("interrupted: stopping what was started…");
      await stopAll(plan, layout, result.target.state, systemClock);
      return 130;
    }
    if (result.failures.length) {
      for (const failure of result.failures) {
        output.error(`\n✖ ${failure.message}`);
        for (const line of failure.logTail) output.error(`  │ ${line}`);
      }
      // A dependency that cannot start leaves no half stack: what this up started is stopped.
      // A failed job keeps the services running, so the fixed migration is one `up` away.
      const failedService = result.failures.some(
        (f) => plan.resources.find((r) => r.name === f.resource)?.sort === "service",
      );
      if (failedService) {
        const started = new Set(result.started.map((r) => r.name));
        const wasReady = [...started].filter((n) => result.phases.get(n) === "ready");
        await stopAll(plan, layout, result.target.state, systemClock, started);
        if (wasReady.length)
          output.error(
            `\nstopped what this up started: ${wasReady.join(", ")} (fix and \`parity up\` again)`,
          );
        return 1;
      }
      const running = Object.keys(result.target.state.read().resources).filter(
        (n) => result.phases.get(n) === "ready",
      );
      if (running.length)
        output.error(
          `\nstill running: ${running.join(", ")} (fix and \`parity up\` again, or \`parity down\`)`,
        );
      return 1;
    }

    output.info("");
    for (const { label, url } of localEndpoints(plan).filter((e) =>
      result.phases.has(e.resource),
    )) {
      output.info(`  ${label.padEnd(16)} ${url}`);
    }
    if (options.detach) {
      output.info(
        "\nthe stack runs in the background: `parity status`, `parity logs -f`, `parity down`",
      );
      return 0;
    }

    output.info(
      "\nCtrl-C stops the stack; the apps' output follows, dependencies' only when they warn or fail (`parity logs NAME` has all)\n",
    );
    const longRunning = plan.resources.filter(
      (r) => r.sort !== "job" && result.phases.get(r.name) === "ready",
    );
    const stopFollowing = followLogs(
      longRunning.map((r) => ({
        name: r.name,
        path: layout.log(r.name),
        // A server's boot chatter would bury the apps' output: its log file keeps it.
        ...(r.sort === "app" ? {} : { only: warnsOrFails }),
      })),
      (line) => output.print(line),
      { from: "lastRun", colour: colourWanted() },
    );
    const crashed = new Set<string>();
    const watch = setInterval(() => {
      const records = result.target.state.read().resources;
      for (const r of longRunning) {
        const identity = records[r.name]?.process;
        if (!crashed.has(r.name) && identity && !isAlive(identity)) {
          crashed.add(r.name);
          output.error(`\n✖ ${r.name} stopped running; its last lines:`);
          for (const line of logTail(layout.log(r.name), 10)) output.error(`  │ ${line}`);
        }
      }
    }, 1000);
    await new Promise<void>((resolve) =>
      interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    clearInterval(watch);
    stopFollowing();
    output.info("\nstopping…");
    const outcomes = await stopAll(plan, layout, result.target.state, systemClock);
    output.info(`stopped ${outcomes.map((o) => o.name).join(", ")}`);
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    lock.release();
  }
}

/** A server's log line at warning level or worse, as PostgreSQL, Redis, RabbitMQ and Kafka write it. */
export const warnsOrFails = (line: string): boolean =>
  /\b(?:WARN(?:ING)?|ERROR|ERR|FATAL|PANIC|CRITICAL|SEVERE)\b|^\d+:[A-Z] .* # /i.test(line);

/** Colour only on a terminal, and never where NO_COLOR is set (https://no-color.org). */
function colourWanted(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR && !process.env.CI;
}
