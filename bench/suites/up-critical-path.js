// The critical path of the myapp-shaped stack, measured without parity: the three servers started
// in parallel exactly as src/catalog/*/local.ts starts them (same binaries, init, configs and
// environment; postgres as the unprivileged account), each polled every 20 ms with a real login,
// then migrate and seed, then the app until /readyz answers 200.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { delimiter, join } from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import amqp from "amqplib";
import {
  httpStatus,
  runCommand,
  stopGroup,
  waitFor,
  waitPortsFree,
  killGroupNow,
} from "./up-procs.js";

const POLL_MS = 20;

/** The executables parity's preflight would pick (its search directories first, then PATH). */
export function resolveServerBinaries() {
  const path = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const find = (name, dirs) => {
    const found = [...dirs, ...path].map((d) => join(d, name)).find(isExecutable);
    if (!found) throw new Error(`${name} not found`);
    return found;
  };
  const pgDirs = safeReaddir("/usr/lib/postgresql")
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((v) => `/usr/lib/postgresql/${v}/bin`);
  const pgSearch = [...pgDirs, "/usr/local/pgsql/bin"];
  const rabbitSearch = ["/usr/lib/rabbitmq/bin", "/usr/sbin", "/usr/lib/erlang/bin"];
  return {
    initdb: find("initdb", pgSearch),
    postgres: find("postgres", pgSearch),
    redis: find("redis-server", []),
    rabbitmq: find("rabbitmq-server", rabbitSearch),
    epmd: find("epmd", rabbitSearch),
  };
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Extra rabbitmq ports, as the recipe derives them from the AMQP port. */
export const rabbitPorts = (amqpPort) => ({ dist: amqpPort + 20000, epmd: amqpPort + 20001 });

/** Stops the epmd of a RabbitMQ node on `amqpPort` (it outlives the node). */
export function killEpmd(epmd, amqpPort) {
  spawnSync(epmd, ["-kill"], {
    env: {
      PATH: process.env.PATH,
      ERL_EPMD_PORT: String(rabbitPorts(amqpPort).epmd),
      ERL_EPMD_ADDRESS: "127.0.0.1",
    },
    timeout: 10_000,
    stdio: "ignore",
  });
}

/** Every port one run binds. */
export const allPorts = (ports) => {
  const { dist, epmd } = rabbitPorts(ports.rabbitmq);
  return [ports.postgres, ports.redis, ports.rabbitmq, dist, epmd, ports.app];
};

/**
 * One run. `work` is a fresh directory (mode 0711) for data, config, logs and sockets; `appDir`
 * holds the fixture's app.js, migrate.js and seed.js with node_modules. Always stops what it
 * started and checks that the ports are free again before it returns or throws.
 */
export async function criticalPathOnce({ work, appDir, ports, bins, runAs, stack, tracked }) {
  const password = { postgres: secret(), redis: secret(), rabbitmq: secret() };
  const user = stack;
  const database = stack;
  const vhost = "/";
  const { dist, epmd } = rabbitPorts(ports.rabbitmq);
  const groups = [];
  const times = {};
  // Set on failure: a branch still under way must start nothing after the clean-up.
  let aborted = false;
  const track = (name, pgid, signal) => {
    const entry = { name, pgid, signal };
    groups.push(entry);
    tracked.add(entry);
  };

  const dirs = (name) => {
    const d = {
      data: join(work, "data", name),
      run: join(work, "run", name),
      sock: join(work, "sock", name),
      log: join(work, "logs", `${name}.log`),
    };
    for (const dir of [d.data, d.run, d.sock]) {
      for (const parent of [join(dir, ".."), work]) {
        mkdirSync(parent, { recursive: true, mode: 0o711 });
        chmodSync(parent, 0o711);
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    mkdirSync(join(work, "logs"), { recursive: true });
    return d;
  };
  const own = (path, owner) => owner && chownSync(path, owner.uid, owner.gid);
  const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };

  /** As parity's spawnLogged: own process group, output appended to a log, optional account. */
  const start = (name, command, args, { env = {}, owner, log, signal = "SIGTERM", cwd = work }) => {
    if (aborted) throw new Error(`not starting ${name}: the run failed`);
    const fd = openSync(log, "a", 0o600);
    writeSync(fd, `--- bench: ${new Date().toISOString()} ${[command, ...args].join(" ")}\n`);
    try {
      const child = spawn(command, args, {
        cwd,
        env: { ...base, ...env },
        detached: true,
        stdio: ["ignore", fd, fd],
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      });
      const handle = { exit: undefined, spawnedAt: Date.now(), log };
      handle.exited = new Promise((resolve) => {
        child.once("error", (error) => {
          handle.exit = `cannot start: ${error.message}`;
          resolve(127);
        });
        child.once("exit", (code) => {
          handle.exit ??= `exited with code ${code}`;
          resolve(code);
        });
      });
      if (child.pid) track(name, child.pid, signal);
      return handle;
    } finally {
      closeSync(fd);
    }
  };
  const ready = (what, attempt, handle, timeoutMs) =>
    waitFor(what, attempt, {
      timeoutMs,
      intervalMs: POLL_MS,
      stop: () => (handle.exit ? `${handle.exit} before it was ready` : undefined),
    }).catch((error) => {
      throw new Error(`${error.message}; its log (${handle.log}) ends:\n${tail(handle.log)}`);
    });

  async function postgres() {
    const owner = runAs;
    const d = dirs("postgres");
    for (const dir of [d.data, d.run, d.sock]) own(dir, owner);
    const pwfile = join(d.run, "pwfile");
    writeFileSync(pwfile, `${password.postgres}\n`, { mode: 0o600 });
    own(pwfile, owner);
    const init = start(
      "initdb",
      bins.initdb,
      [
        "--pgdata",
        d.data,
        "--username",
        user,
        "--pwfile",
        pwfile,
        "--auth-host=scram-sha-256",
        "--auth-local=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
      ],
      { owner, log: d.log },
    );
    const code = await init.exited;
    if (code !== 0) throw new Error(`initdb exited with code ${code}: ${tail(d.log)}`);
    times.initdb = Date.now() - init.spawnedAt;
    const server = start(
      "postgres",
      bins.postgres,
      [
        "-D",
        d.data,
        "-p",
        String(ports.postgres),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${d.sock}`,
      ],
      { owner, log: d.log, signal: "SIGINT" },
    );
    const connect = async (db) => {
      const client = new pg.Client({
        host: "127.0.0.1",
        port: ports.postgres,
        user,
        password: password.postgres,
        database: db,
        connectionTimeoutMillis: 2000,
      });
      client.on("error", () => {});
      await client.connect();
      return client;
    };
    // The recipe's probe: log in to the database, creating it on first start, then `select 1`.
    await ready(
      "postgres",
      async () => {
        let client;
        try {
          client = await connect(database);
        } catch (error) {
          if (error.code !== "3D000") throw error;
          const admin = await connect("postgres");
          try {
            await admin.query(`CREATE DATABASE "${database}"`);
          } finally {
            await admin.end();
          }
          client = await connect(database);
        }
        try {
          await client.query("select 1");
        } finally {
          await client.end();
        }
      },
      server,
      120_000,
    );
    times.postgresServer = Date.now() - server.spawnedAt;
  }

  async function redis() {
    const d = dirs("redis");
    const conf = join(d.run, "redis.conf");
    writeFileSync(
      conf,
      [
        "bind 127.0.0.1",
        `port ${ports.redis}`,
        "protected-mode yes",
        `requirepass ${password.redis}`,
        `dir ${d.data}`,
        "daemonize no",
        'logfile ""',
        "appendonly yes",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const server = start("redis", bins.redis, [conf], { log: d.log });
    await ready(
      "redis",
      async () => {
        const client = new Redis({
          host: "127.0.0.1",
          port: ports.redis,
          password: password.redis,
          lazyConnect: true,
          connectTimeout: 2000,
          maxRetriesPerRequest: 0,
          enableOfflineQueue: false,
          retryStrategy: () => null,
        });
        client.on("error", () => {});
        try {
          await client.connect(); // AUTH
          const reply = await client.ping();
          if (reply !== "PONG") throw new Error(`redis answered ${reply}`);
        } finally {
          client.disconnect();
        }
      },
      server,
      120_000,
    );
  }

  const rabbitNodeEnv = (dataDir) => ({
    RABBITMQ_NODENAME: `bench-${stack}-rabbitmq@localhost`,
    ERL_EPMD_PORT: String(epmd),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    HOME: dataDir,
  });
  let rabbitEnv;
  let rabbitLog;
  let rabbitSpawnedAt;
  let rabbitReadyAt;
  async function rabbitmq() {
    const d = dirs("rabbitmq");
    rabbitLog = d.log;
    writeFileSync(
      join(d.run, "rabbitmq.conf"),
      [
        `listeners.tcp.local = 127.0.0.1:${ports.rabbitmq}`,
        `default_user = ${user}`,
        `default_pass = ${password.rabbitmq}`,
        `default_vhost = ${vhost}`,
        "log.console = true",
        "log.console.level = info",
        "log.file = false",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    writeFileSync(join(d.run, "enabled_plugins"), "[].\n", { mode: 0o600 });
    rabbitEnv = rabbitNodeEnv(d.data);
    const server = start("rabbitmq", bins.rabbitmq, [], {
      log: d.log,
      env: {
        ...rabbitEnv,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(ports.rabbitmq),
        RABBITMQ_DIST_PORT: String(dist),
        RABBITMQ_MNESIA_BASE: join(d.data, "mnesia"),
        RABBITMQ_LOG_BASE: join(d.run, "log"),
        RABBITMQ_LOGS: "-",
        RABBITMQ_CONFIG_FILE: join(d.run, "rabbitmq.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(d.run, "enabled_plugins"),
        RABBITMQ_PID_FILE: join(d.run, "rabbitmq.pid"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
      },
    });
    rabbitSpawnedAt = server.spawnedAt;
    await ready(
      "rabbitmq",
      async () => {
        const connection = await amqp.connect(
          `amqp://${user}:${password.rabbitmq}@127.0.0.1:${ports.rabbitmq}/${encodeURIComponent(vhost)}`,
          { timeout: 2000 },
        );
        connection.on("error", () => {});
        await connection.close();
      },
      server,
      120_000,
    );
    rabbitReadyAt = Date.now();
  }

  const urls = {
    DATABASE_URL: `postgresql://${user}:${password.postgres}@127.0.0.1:${ports.postgres}/${database}`,
    REDIS_URL: `redis://:${password.redis}@127.0.0.1:${ports.redis}/0`,
    AMQP_URL: `amqp://${user}:${password.rabbitmq}@127.0.0.1:${ports.rabbitmq}/${encodeURIComponent(vhost)}`,
  };
  const job = async (script) => {
    if (aborted) throw new Error(`not running ${script}: the run failed`);
    const t = performance.now();
    const result = await runCommand(process.execPath, [script], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: urls.DATABASE_URL },
      timeoutMs: 60_000,
    });
    if (result.code !== 0)
      throw new Error(`node ${script} exited with code ${result.code}: ${result.stderr}`);
    return performance.now() - t;
  };

  const t0 = performance.now();
  const since = () => performance.now() - t0;
  try {
    const timed = (name, promise) => promise.then(() => (times[name] = since()));
    // The graph: postgres ─▶ migrate ─▶ seed ─▶ app; the app also waits for redis and rabbitmq.
    const chain = timed("postgres", postgres()).then(async () => {
      times.migrate = await job("migrate.js");
      times.seed = await job("seed.js");
    });
    await Promise.all([chain, timed("redis", redis()), timed("rabbitmq", rabbitmq())]);
    const appStart = performance.now();
    const log = join(work, "logs", "app.log");
    const app = start("app", process.execPath, ["app.js"], {
      log,
      env: { ...process.env, ...urls, PORT: String(ports.app) },
      cwd: appDir,
    });
    await ready(
      "app /readyz",
      async () => {
        const status = await httpStatus(ports.app, "/readyz");
        if (status !== 200) throw new Error(`GET /readyz answered ${status}`);
      },
      app,
      60_000,
    );
    times.app = performance.now() - appStart;
    times.wall = since();
    times.critical =
      Math.max(times.postgres + times.migrate + times.seed, times.redis, times.rabbitmq) +
      times.app;
    const listener = listenerAt(rabbitLog, ports.rabbitmq);
    times.rabbitListener = listener - rabbitSpawnedAt;
    times.rabbitLag = rabbitReadyAt - listener;
  } catch (error) {
    aborted = true;
    await stopAll(groups, tracked, { bins, rabbitEnv, ports }).catch((cleanup) =>
      process.stderr.write(`bench up: clean-up after a failed run: ${cleanup.message}\n`),
    );
    throw error;
  }
  await stopAll(groups, tracked, { bins, rabbitEnv, ports });
  return times;
}

/** Apps first, then the servers in parallel; then rabbitmq's epmd; then the ports must be free. */
async function stopAll(groups, tracked, { bins, rabbitEnv, ports }) {
  const stop = async (entries) => {
    await Promise.all(
      entries.map(async (entry) => {
        try {
          await stopGroup(entry.pgid, entry.signal);
        } catch {
          killGroupNow(entry.pgid);
        }
        tracked.delete(entry);
      }),
    );
  };
  await stop(groups.filter((g) => g.name === "app"));
  await stop(groups.filter((g) => g.name !== "app"));
  if (rabbitEnv) {
    await runCommand(bins.epmd, ["-kill"], {
      env: { PATH: process.env.PATH, ...rabbitEnv },
      timeoutMs: 10_000,
    }).catch(() => {});
  }
  await waitPortsFree(allPorts(ports), "after the critical-path run");
}

/** When rabbitmq logged `started TCP listener` on the AMQP port (epoch ms), from its own log. */
export function listenerAt(log, port) {
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {
    return NaN;
  }
  const pattern = new RegExp(
    `^(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d\\.\\d+)([+-]\\d\\d:\\d\\d) \\[info\\] <[^>]*> started TCP listener on 127\\.0\\.0\\.1:${port}$`,
    "gm",
  );
  let last = NaN;
  for (const match of text.matchAll(pattern))
    last = Date.parse(`${match[1]}T${match[2]}${match[3]}`);
  return last;
}

function tail(log) {
  try {
    return readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "";
  }
}

const secret = () => randomBytes(12).toString("hex");
