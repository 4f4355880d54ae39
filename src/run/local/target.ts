import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { kindOf, type LocalContext, type LocalProcess } from "../../catalog/index.js";
import type {
  AppResource,
  JobResource,
  Plan,
  Resource,
  ServiceResource,
} from "../../plan/types.js";
import { ResourceFailed } from "../errors.js";
import type { ResourceRunner } from "../orchestrator.js";
import { appHostPort, localEnv } from "./env.js";
import { localLayout, type LocalLayout } from "./layout.js";
import { logTail } from "./log-tail.js";
import { pollUntil, systemClock, type Clock } from "./poll.js";
import { isAlive, spawnLogged, type Spawned } from "./proc.js";
import { unprivilegedAccount, type RunAs } from "./run-as.js";
import { serviceContext } from "./service-context.js";
import { StateFile } from "./state.js";
import { stopGroup } from "./stop.js";
import { httpReady } from "./http-ready.js";
import { awaitExternal } from "../external.js";

const SERVICE_READY_TIMEOUT_MS = 120_000;
const APP_READY_TIMEOUT_MS = 60_000;
const SCHEMA_TIMEOUT_MS = 10_000;

export interface LocalTargetOptions {
  projectDir: string;
  plan: Plan;
  /** Executables per service, from preflight. */
  binaries: ReadonlyMap<string, Record<string, string>>;
  /** The server version each service runs, from preflight. */
  versions?: ReadonlyMap<string, string>;
  clock?: Clock;
  runAs?: RunAs | undefined;
}

/**
 * The local target: dependencies, jobs and apps as processes on this machine, with their data,
 * logs and state under `.parity/`. Every process runs in a group of its own and is recorded in
 * the state file the moment it starts, so `down` can stop it even after parity itself was killed.
 */
export class LocalTarget implements ResourceRunner {
  readonly layout: LocalLayout;
  readonly state: StateFile;
  private readonly clock: Clock;
  private readonly runAs: RunAs | undefined;

  constructor(private readonly options: LocalTargetOptions) {
    this.layout = localLayout(options.projectDir);
    this.state = new StateFile(this.layout.state, options.plan.stack);
    this.clock = options.clock ?? systemClock;
    this.runAs = "runAs" in options ? options.runAs : unprivilegedAccount();
  }

  run(resource: Resource, signal: AbortSignal): Promise<void> {
    switch (resource.sort) {
      case "service":
        return this.runService(resource, signal);
      case "job":
        return this.runJob(resource, signal);
      case "app":
        return this.runApp(resource, signal);
      case "external":
        return awaitExternal(resource, signal);
    }
  }

  context(service: ServiceResource): LocalContext {
    return serviceContext(
      service,
      this.options.plan.stack,
      this.layout,
      this.options.binaries.get(service.name),
    );
  }

  /** Whether a resource from an earlier `up` is still running and passes its readiness check. */
  async isReady(resource: Resource): Promise<boolean> {
    // Nothing of parity's runs for it: ready while its check answers.
    if (resource.sort === "external")
      return awaitExternal(resource, AbortSignal.timeout(5000)).then(
        () => true,
        () => false,
      );
    const record = this.state.read().resources[resource.name];
    if (!record?.process || !isAlive(record.process)) return false;
    try {
      await this.readinessAttempt(resource);
      return true;
    } catch {
      return false;
    }
  }

  private readinessAttempt(resource: Resource): Promise<void> {
    if (resource.sort === "service")
      return kindOf(resource.kind).local.ready(this.context(resource));
    if (resource.sort === "app") {
      const port = appHostPort(resource);
      return port !== undefined && resource.readiness
        ? httpReady(port, resource.readiness)
        : Promise.resolve();
    }
    return Promise.reject(new Error("jobs are not long-running"));
  }

  private async runService(service: ServiceResource, signal: AbortSignal): Promise<void> {
    const recipe = kindOf(service.kind).local;
    const ctx = this.context(service);
    const owner = recipe.unprivileged ? this.runAs : undefined;
    const log = this.prepareLog(service.name);

    const marker = recipe.initializedMarker;
    const fresh = marker
      ? !existsSync(join(ctx.dataDir, marker))
      : !existsSync(ctx.dataDir) || readdirSync(ctx.dataDir).length === 0;
    // An init that was interrupted leaves a half-made directory: start it over.
    if (fresh && marker) rmSync(ctx.dataDir, { recursive: true, force: true });
    rmSync(ctx.runDir, { recursive: true, force: true });
    for (const dir of [ctx.dataDir, ctx.runDir, ctx.socketDir]) {
      // Parents may be entered (not listed) by an unprivileged server; its own folder is private.
      mkdirSync(dirname(dir), { recursive: true, mode: 0o711 });
      chmodSync(dirname(dir), 0o711);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (owner) chownSync(dir, owner.uid, owner.gid);
    }
    for (const file of recipe.files(ctx)) {
      writeFileSync(file.path, file.content, { mode: 0o600 });
      if (owner) chownSync(file.path, owner.uid, owner.gid);
    }
    if (fresh) {
      for (const step of recipe.init(ctx)) {
        const init = this.spawn(step, ctx, log, this.options.projectDir, owner);
        this.record(service, init, []);
        const code = await init.exited;
        if (code !== 0)
          throw this.failure(service.name, `${step.bin} exited with code ${code}`, log);
      }
    }
    if (signal.aborted) throw new ResourceFailed(service.name, "interrupted");
    const server = this.spawn(recipe.server(ctx), ctx, log, this.options.projectDir, owner, true);
    this.record(service, server, [ctx.port, ...Object.values(ctx.ports)]);
    await this.awaitReady(
      service,
      server,
      () => recipe.ready(ctx),
      SERVICE_READY_TIMEOUT_MS,
      signal,
      log,
    );
  }

  private async runJob(job: JobResource, signal: AbortSignal): Promise<void> {
    const log = this.prepareLog(job.name);
    const [command, ...args] = job.localCommand;
    const spawned = spawnLogged({
      command: command!,
      args,
      env: localEnv(job),
      cwd: join(this.options.projectDir, job.localDir),
      logPath: log,
    });
    this.record(job, spawned, []);
    const onAbort = () => void stopGroup(spawned.identity, "SIGTERM", this.clock, 5000);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () => void stopGroup(spawned.identity, "SIGTERM", this.clock, 5000),
      job.timeout * 1000,
    );
    try {
      const code = await spawned.exited;
      this.state.update((s) => {
        const record = s.resources[job.name];
        if (record)
          Object.assign(record, {
            process: undefined,
            exitCode: code,
            finishedAt: new Date().toISOString(),
          });
      });
      if (signal.aborted) throw new ResourceFailed(job.name, "interrupted");
      if (code !== 0)
        throw this.failure(
          job.name,
          code === null ? "was killed" : `exited with code ${code}`,
          log,
        );
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * As the app's pods do in the cluster: before it starts, each database it uses must accept the
   * credentials and show applied migrations. The jobs have run by now, so a short wait decides.
   */
  private async waitForSchema(app: AppResource, signal: AbortSignal): Promise<void> {
    for (const wait of app.schemaWaits) {
      const service = this.options.plan.resources.find(
        (r): r is ServiceResource => r.sort === "service" && r.name === wait.service,
      )!;
      const check = kindOf(service.kind).local.schemaReady;
      if (!check) continue;
      const outcome = await pollUntil(() => check(this.context(service), wait.tables), {
        timeoutMs: SCHEMA_TIMEOUT_MS,
        clock: this.clock,
        signal,
      });
      if (!outcome.ok) {
        throw new ResourceFailed(
          app.name,
          `the schema in ${wait.service} is not there (${outcome.reason}): did the migration job apply anything? Name its history table with jobs.<job>.schema.table, or set schema: false`,
        );
      }
    }
  }

  private async runApp(app: AppResource, signal: AbortSignal): Promise<void> {
    if (!app.localCommand) {
      throw new ResourceFailed(
        app.name,
        "has no command for the local target: set apps." + app.name + ".local.command",
      );
    }
    await this.waitForSchema(app, signal);
    const log = this.prepareLog(app.name);
    const [command, ...args] = app.localCommand;
    const port = appHostPort(app);
    const spawned = spawnLogged({
      command: command!,
      args,
      env: localEnv(app),
      cwd: join(this.options.projectDir, app.localDir),
      logPath: log,
      outlive: true,
    });
    this.record(app, spawned, port === undefined ? [] : [port]);
    const probe =
      port !== undefined && app.readiness
        ? () => this.readinessAttempt(app)
        : // Without an HTTP endpoint, a worker is ready once it has stayed up for a moment.
          () =>
            this.clock
              .sleep(500)
              .then(() =>
                isAlive(spawned.identity) ? undefined : Promise.reject(new Error("exited")),
              );
    await this.awaitReady(app, spawned, probe, APP_READY_TIMEOUT_MS, signal, log);
  }

  private async awaitReady(
    resource: Resource,
    spawned: Spawned,
    attempt: () => Promise<void>,
    timeoutMs: number,
    signal: AbortSignal,
    log: string,
  ): Promise<void> {
    let exit: number | null | undefined;
    void spawned.exited.then((code) => (exit = code));
    const outcome = await pollUntil(attempt, {
      timeoutMs,
      clock: this.clock,
      signal,
      stop: () => (exit !== undefined ? `exited with code ${exit} before it was ready` : undefined),
    });
    if (!outcome.ok) throw this.failure(resource.name, outcome.reason, log);
  }

  private spawn(
    step: LocalProcess,
    ctx: LocalContext,
    log: string,
    cwd: string,
    owner: RunAs | undefined,
    outlive = false,
  ): Spawned {
    const command = ctx.bin[step.bin] ?? step.bin;
    const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
    return spawnLogged({
      command,
      args: step.args,
      env: { ...base, ...step.env },
      cwd,
      logPath: log,
      outlive,
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
  }

  private prepareLog(name: string): string {
    const path = this.layout.log(name);
    mkdirSync(join(path, ".."), { recursive: true });
    return path;
  }

  private record(resource: Resource, spawned: Spawned, ports: number[]): void {
    const version = this.options.versions?.get(resource.name);
    this.state.update((s) => {
      s.resources[resource.name] = {
        sort: resource.sort,
        process: spawned.identity,
        ports,
        startedAt: new Date().toISOString(),
        ...(version ? { version } : {}),
      };
    });
  }

  private failure(name: string, message: string, log: string): ResourceFailed {
    return new ResourceFailed(name, `${message} (log: ${log})`, { logTail: logTail(log) });
  }
}
