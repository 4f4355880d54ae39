import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { Redis } from "ioredis";
import { parseDocument } from "yaml";
import { allPorts, killEpmd, resolveServerBinaries } from "./up-critical-path.js";
import {
  httpStatus,
  killRecorded,
  portIsFree,
  removeSocketDir,
  runCommand,
  waitFor,
  waitPortsFree,
} from "./up-procs.js";
import { faults, load, merge, percentile } from "./myapp-load.js";
import { median } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin/parity.js");
const example = join(root, "examples/myapp");
/** A port block nothing else uses (tests: 46xxx/44672, bench up: 41xxx/42xxx); rabbitmq also binds AMQP+20000 and +20001 (63672, 63673; 45672 would put them past 65535). */
const PORTS = { postgres: 47432, redis: 47379, rabbitmq: 43672, app: 47080 };
const CONNECTIONS = 10;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
/**
 * Rounds of the bare route, the cached reads and the two floors, in alternating order (bare
 * first, then last, …), so that all see the same machine.
 */
const ROUNDS = 6;
/**
 * Seconds of each target's run in a round: short runs close together, so that a round sees the
 * same machine (on a shared VM its speed drifts by 2× within a minute), compared round by round.
 */
const ROUND_SECONDS = 5;
const TARGET_RATIO = 0.5;
const ORDER = {
  customer: "bench@example.com",
  items: [
    { sku: "MUG-001", quantity: 2 },
    { sku: "STICKER-001", quantity: 1 },
  ],
};
/**
 * The app runs at the LOG_LEVEL of the example's parity.yaml; BENCH_MYAPP_LOG_LEVEL (e.g. warn)
 * overrides it for the API and the worker, to see what request logging costs. The section says
 * which level was used.
 */
const LOG_LEVEL_OVERRIDE = process.env.BENCH_MYAPP_LOG_LEVEL || undefined;
/** A tombstone of a version no order reaches: reads miss, and the app's put-if-newer never replaces it. */
const POISON_VERSION = "9007199254740991";

/**
 * The example's orders API under autocannon (loopback, the same machine, the same run): cached
 * reads against a bare Fastify route, then uncached reads and order creation.
 */
export async function run() {
  const base = mkdtempSync(join(tmpdir(), "parity-bench-myapp-"));
  chmodSync(base, 0o755); // as root, postgres runs as its own account and must enter the project
  const project = join(base, "myapp");
  const bins = resolveServerBinaries();
  const layout = cpuLayout();
  let bare;
  let floor;
  const parity = (args, timeoutMs) =>
    runCommand(process.execPath, [bin, ...args], { cwd: project, env: benchEnv(), timeoutMs });
  // What `parity up` starts (servers, jobs, the app and its worker) inherits its CPUs.
  const parityOnServerCpus = (args, timeoutMs) =>
    layout
      ? runCommand("taskset", ["-c", layout.servers, process.execPath, bin, ...args], {
          cwd: project,
          env: benchEnv(),
          timeoutMs,
        })
      : parity(args, timeoutMs);
  const emergency = () => {
    bare?.child.kill("SIGKILL");
    floor?.child.kill("SIGKILL");
    spawnSync(process.execPath, [bin, "down", "--volumes"], {
      cwd: project,
      env: benchEnv(),
      timeout: 60_000,
    });
    killRecorded(project);
    killEpmd(bins.epmd, PORTS.rabbitmq);
    rmSync(base, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", emergency);
  process.once("SIGTERM", emergency);

  const problems = [];
  try {
    const { fastifyPath, fastifyVersion } = prepare(project);
    await requireFree(allPorts(PORTS));

    progress(
      layout
        ? `parity up --detach (on CPU ${layout.servers}; autocannon will run on CPU ${layout.load})`
        : "parity up --detach (no CPU pinning: fewer than 2 CPUs or no taskset)",
    );
    const up = await parityOnServerCpus(["up", "--detach"], 300_000);
    if (up.code !== 0)
      throw new Error(`parity up --detach exited ${up.code ?? up.signal}:\n${up.stderr.trim()}`);
    const ready = await httpStatus(PORTS.app, "/readyz");
    if (ready !== 200) throw new Error(`after parity up, /readyz answered ${ready}`);
    const env = await appEnv(parity);
    progress(`stack up in ${(up.ms / 1000).toFixed(1)} s; app LOG_LEVEL=${env.LOG_LEVEL}`);

    // RabbitMQ (and Postgres) keep busy for a few seconds after they answer: measure once the
    // machine has settled, or after 30 s whatever it does (other work on it is not ours to stop).
    const settled = await waitQuiet(30_000);
    progress(
      settled.quiet
        ? `machine quiet (${pct(settled.busy)} CPU busy) after ${(settled.ms / 1000).toFixed(1)} s`
        : `machine still ${pct(settled.busy)} busy after ${(settled.ms / 1000).toFixed(1)} s; measuring anyway`,
    );
    bare = await startServer("bare fastify", ["myapp-bare.js", fastifyPath], layout);
    floor = await startServer("the floors", ["myapp-floor.js", fastifyPath], layout, {
      REDIS_URL: env.REDIS_URL,
    });
    if (layout) pinSelf(layout.load);
    const pids = recordedPids(project);
    const cpuSets = {
      autocannon: allowedCpus(process.pid),
      app: allowedCpus(pids.myapp),
      redis: allowedCpus(pids.redis),
      bare: allowedCpus(bare.child.pid),
      floors: allowedCpus(floor.child.pid),
    };
    progress(
      `CPUs allowed: ${Object.entries(cpuSets)
        .map(([name, list]) => `${name} ${list ?? "?"}`)
        .join(", ")}`,
    );
    const api = `http://127.0.0.1:${PORTS.app}`;
    const bareUrl = `http://127.0.0.1:${bare.port}`;
    const floorUrl = `http://127.0.0.1:${floor.port}`;

    // One order, confirmed by the worker, then read once so that it is cached.
    const id = await createOrder(api);
    await waitFor(
      `order ${id} confirmed`,
      async () => {
        const res = await get(`${api}/orders/${id}`);
        if (res.body.status !== "confirmed") throw new Error(`status ${res.body.status}`);
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const check = await get(`${api}/orders/${id}`);
    if (check.headers.get("x-cache") !== "hit" || check.body.status !== "confirmed")
      throw new Error(`GET /orders/${id}: x-cache ${check.headers.get("x-cache")}, expected hit`);

    // GETs of one path, answers counted by status.
    const plainGets = (path) => () => {
      const seen = counter();
      return {
        seen,
        requests: [{ method: "GET", path, onResponse: (status) => seen.add(status) }],
      };
    };
    const cachedRequests = () => {
      const seen = counter();
      const onResponse = (status, _body, _context, headers) => seen.add(status, headers["x-cache"]);
      return { seen, requests: [{ method: "GET", path: `/orders/${id}`, onResponse }] };
    };
    // CPU time of the server, of Redis and of autocannon (this process) per answered request.
    const runRound = async (url, make, label, serverPid) => {
      const { seen, requests } = make();
      const before = cpuTimes(serverPid, pids.redis);
      const result = await load({
        url,
        connections: CONNECTIONS,
        seconds: ROUND_SECONDS,
        requests,
      });
      const cpu = perRequest(before, cpuTimes(serverPid, pids.redis), result.total);
      progress(
        `${label}: ${Math.round(result.rps)} req/s ${seen.text()}; CPU µs/request: ${cpuText(cpu)}`,
      );
      return { ...result, seen: seen.counts, cpu };
    };

    // Warm-up of each target (JIT, connection pools), then rounds of all four, in alternating
    // order: the bare route, the app's cached reads, and the two floors of a Redis read.
    const targets = [
      { name: "bare", url: bareUrl, make: plainGets("/"), pid: bare.child.pid },
      { name: "cached", url: api, make: cachedRequests, pid: pids.myapp },
      { name: "floor GET", url: floorUrl, make: plainGets(`/get/${id}`), pid: floor.child.pid },
      { name: "floor MGET", url: floorUrl, make: plainGets(`/mget/${id}`), pid: floor.child.pid },
    ];
    for (const target of targets)
      await load({
        url: target.url,
        connections: CONNECTIONS,
        seconds: WARMUP_SECONDS,
        requests: target.make().requests,
      });
    const runs = Object.fromEntries(targets.map((target) => [target.name, []]));
    const loadBefore = loadavg()[0];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const { name, url, make, pid } of order)
        runs[name].push(await runRound(url, make, `${name} round ${i + 1}`, pid));
    }
    const { bare: bareRuns, cached: cachedRuns } = runs;
    const loadAfter = loadavg()[0];
    const cachedMisses = cachedRuns.reduce((n, r) => n + r.ok - (r.seen["200 hit"] ?? 0), 0);
    if (cachedMisses) problems.push(`${cachedMisses} cached-run answers were not \`200 hit\``);
    for (const name of ["floor GET", "floor MGET"]) {
      const not200 = runs[name].reduce((n, r) => n + r.total - (r.seen["200"] ?? 0), 0);
      if (not200) problems.push(`${not200} ${name} answers were not \`200\``);
    }

    // Order creation: valid bodies, each answer's Location collected for the uncached reads.
    const created = [];
    const postSeen = counter();
    const body = JSON.stringify(ORDER);
    const postRequests = [
      {
        method: "POST",
        path: "/orders",
        headers: { "content-type": "application/json" },
        body,
        onResponse: (status, _body, _context, headers) => {
          postSeen.add(status);
          if (status === 201 && headers.location) created.push(basename(headers.location));
        },
      },
    ];
    await load({
      url: api,
      connections: CONNECTIONS,
      seconds: WARMUP_SECONDS,
      requests: postRequests,
    });
    postSeen.reset();
    created.length = 0;
    const post = await load({
      url: api,
      connections: CONNECTIONS,
      seconds: SECONDS,
      requests: postRequests,
    });
    progress(
      `POST /orders: ${Math.round(post.rps)} req/s ${postSeen.text()}, ${created.length} ids`,
    );
    if (created.length !== post.ok)
      problems.push(`POST: ${post.ok} 2xx answers but ${created.length} Location headers`);

    // The worker confirms what was just created; reads are measured once it is idle again.
    const drainStart = performance.now();
    await waitFor(
      "worker confirmed every order",
      async () => {
        const res = await get(`${api}/orders?status=pending&limit=1`);
        if (res.body.orders?.length) throw new Error("orders still pending");
      },
      { timeoutMs: 180_000, intervalMs: 200 },
    );
    const drainMs = performance.now() - drainStart;
    progress(`worker confirmed the backlog ${(drainMs / 1000).toFixed(1)} s after the POST run`);

    // Uncached reads: every created order's entry becomes a tombstone of a version no order
    // reaches, so every read misses, queries Postgres and tries (in vain) to put the row back.
    const ids = [...new Set(created)];
    await poison(env.REDIS_URL, ids);
    const probe = await get(`${api}/orders/${ids[0]}`);
    if (probe.headers.get("x-cache") !== "miss")
      throw new Error(`after poisoning, x-cache ${probe.headers.get("x-cache")}, expected miss`);
    let next = 0;
    const missSeen = counter();
    const missRequests = [
      {
        method: "GET",
        path: `/orders/${ids[0]}`,
        setupRequest: (request) => ({ ...request, path: `/orders/${ids[next++ % ids.length]}` }),
        onResponse: (status, _body, _context, headers) => missSeen.add(status, headers["x-cache"]),
      },
    ];
    await load({
      url: api,
      connections: CONNECTIONS,
      seconds: WARMUP_SECONDS,
      requests: missRequests,
    });
    missSeen.reset();
    const uncached = await load({
      url: api,
      connections: CONNECTIONS,
      seconds: SECONDS,
      requests: missRequests,
    });
    progress(`uncached: ${Math.round(uncached.rps)} req/s ${missSeen.text()}`);
    const notMissed = uncached.ok - (missSeen.counts["200 miss"] ?? 0);
    if (notMissed) problems.push(`${notMissed} uncached-run answers were not \`200 miss\``);

    return section({
      bare: { ...merge(bareRuns), cpu: medianCpu(bareRuns) },
      cached: { ...merge(cachedRuns), cpu: medianCpu(cachedRuns) },
      floorGet: { ...merge(runs["floor GET"]), cpu: medianCpu(runs["floor GET"]) },
      floorMget: { ...merge(runs["floor MGET"]), cpu: medianCpu(runs["floor MGET"]) },
      layout,
      cpuSets,
      settled,
      loads: [loadBefore, loadAfter],
      uncached,
      post,
      created: ids.length,
      drainMs,
      env,
      problems,
      fastifyVersion,
    });
  } finally {
    process.off("SIGINT", emergency);
    process.off("SIGTERM", emergency);
    if (layout) {
      try {
        pinSelf(layout.all);
      } catch (error) {
        process.stderr.write(`bench myapp: ${error.message}\n`);
      }
    }
    await cleanUp({ parity, project, bins, servers: [bare, floor] });
    rmSync(base, { recursive: true, force: true });
  }
}

// ── set-up ─────────────────────────────────────────────────────────────────────────────────────

/** Without a TTY parity prints one plain line per change; CI keeps it so. */
const benchEnv = () => ({ ...process.env, CI: "1" });

/**
 * A copy of the example with the repository's node_modules linked in and its forwards moved to
 * PORTS (no management UI: the local target serves it on 15672 whatever the forward). Returns the
 * path of the fastify the example resolves, which the baseline must load too.
 */
function prepare(project) {
  cpSync(example, project, {
    recursive: true,
    filter: (src) => {
      const first = relative(example, src).split(/[/\\]/)[0];
      return ![".parity", "node_modules", "dist"].includes(first);
    },
  });
  symlinkSync(join(root, "node_modules"), join(project, "node_modules"));
  const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  const missing = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
    (name) => !existsSync(join(project, "node_modules", name, "package.json")),
  );
  if (missing.length)
    throw new Error(
      `the example's dependencies do not resolve from node_modules: ${missing.join(", ")}`,
    );
  const require = createRequire(join(project, "package.json"));
  const fastifyPath = realpathSync(require.resolve("fastify"));
  const fastifyVersion = require("fastify/package.json").version;

  const specPath = join(project, "parity.yaml");
  const doc = parseDocument(readFileSync(specPath, "utf8"));
  for (const service of ["postgres", "redis", "rabbitmq"]) {
    if (!doc.hasIn(["services", service])) throw new Error(`example has no service ${service}`);
    doc.setIn(["services", service, "forward"], PORTS[service]);
  }
  doc.setIn(["services", "rabbitmq", "management"], false);
  if (!doc.hasIn(["apps", "myapp"])) throw new Error("example has no app myapp");
  doc.setIn(["apps", "myapp", "forward"], PORTS.app);
  if (LOG_LEVEL_OVERRIDE)
    for (const app of ["myapp", "myapp-worker"])
      doc.setIn(["apps", app, "env", "LOG_LEVEL"], LOG_LEVEL_OVERRIDE);
  writeFileSync(specPath, doc.toString());
  return { fastifyPath, fastifyVersion };
}

async function requireFree(ports) {
  const busy = [];
  for (const port of ports) if (!(await portIsFree(port))) busy.push(port);
  if (busy.length) throw new Error(`bench myapp needs ports ${busy.join(", ")}, which are in use`);
}

/** What parity gives the app (its URLs with passwords, LOG_LEVEL, PORT). */
async function appEnv(parity) {
  const result = await parity(
    ["env", "--for", "myapp", "--format", "json", "--show-secrets"],
    30_000,
  );
  if (result.code !== 0) throw new Error(`parity env failed:\n${result.stderr.trim()}`);
  const env = JSON.parse(result.stdout);
  if (String(env.PORT ?? PORTS.app) !== String(PORTS.app))
    throw new Error(`the app gets PORT=${env.PORT}, expected ${PORTS.app}`);
  return env;
}

/**
 * A baseline server (a script of this directory and its arguments) in a child process, on the
 * servers' CPUs when there is a layout (taskset execs node: the child's pid is the server's);
 * resolves once it has said which port it took.
 */
function startServer(label, [script, ...args], layout, env = {}) {
  const command = [process.execPath, join(import.meta.dirname, script), ...args];
  const argv = layout ? ["taskset", "-c", layout.servers, ...command] : command;
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start within 10 s: ${err}`));
    }, 10_000);
    child.stderr.on("data", (chunk) => (err += chunk));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve({ child, port: JSON.parse(line).port });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited ${code ?? signal}: ${err}`));
    });
  });
}

/** Busy share of all CPUs over `ms`, from /proc/stat. */
async function cpuBusy(ms) {
  const sample = () => {
    const fields = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

/** Waits until the machine's CPUs are less than 15 % busy over a second, up to `timeoutMs`. */
async function waitQuiet(timeoutMs) {
  const start = performance.now();
  let busy = 1;
  while (performance.now() - start < timeoutMs) {
    busy = await cpuBusy(1000);
    if (busy < 0.15) return { quiet: true, busy, ms: performance.now() - start };
  }
  return { quiet: false, busy, ms: performance.now() - start };
}

const pct = (share) => `${Math.round(share * 100)} %`;

// ── CPUs ───────────────────────────────────────────────────────────────────────────────────────

/** "0-2,5" → [0, 1, 2, 5]. */
function parseCpuList(text) {
  return text
    .trim()
    .split(",")
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b = a] = part.split("-").map(Number);
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
}

/** The CPUs a process may run on (its Cpus_allowed_list), or undefined where /proc does not say. */
function allowedCpus(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * autocannon (this process) on the first CPU this process may use, everything it measures (the
 * stack parity starts and the bare server) on the others: the load generator then never
 * competes with a server for a CPU, and the bare route and the cached reads get the same CPUs.
 * Undefined (no pinning) with fewer than 2 CPUs or without taskset (util-linux).
 */
function cpuLayout() {
  const all = allowedCpus("self");
  const list = all ? parseCpuList(all) : [];
  if (list.length < 2) return undefined;
  if (spawnSync("taskset", ["-V"], { stdio: "ignore" }).status !== 0) return undefined;
  return { all, load: String(list[0]), servers: list.slice(1).join(",") };
}

/** Every thread of this process (main, V8's and libuv's) on `cpus` from now on. */
function pinSelf(cpus) {
  const result = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], {
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`taskset -a -p -c ${cpus} ${process.pid}: ${result.stderr.trim()}`);
}

/** The pids parity's state file records for the project's resources (process group leaders). */
function recordedPids(project) {
  const state = JSON.parse(readFileSync(join(project, ".parity/state.json"), "utf8"));
  return Object.fromEntries(
    Object.entries(state.resources ?? {})
      .filter(([, record]) => record?.process?.pid)
      .map(([name, record]) => [name, record.process.pid]),
  );
}

let clockTicks;
/** Clock ticks per second, the unit of /proc/<pid>/stat's times. */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
    clockTicks = ticks > 0 ? ticks : 100;
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used, or NaN where /proc does not say. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

function cpuTimes(serverPid, redisPid) {
  const own = process.cpuUsage();
  return {
    server: processCpu(serverPid),
    redis: processCpu(redisPid),
    autocannon: (own.user + own.system) / 1e6,
  };
}

/** µs of CPU per answered request, by process. */
function perRequest(before, after, requests) {
  return Object.fromEntries(
    Object.keys(before).map((k) => [k, ((after[k] - before[k]) / Math.max(requests, 1)) * 1e6]),
  );
}

function medianCpu(runs) {
  return Object.fromEntries(
    Object.keys(runs[0].cpu).map((k) => [k, median(runs.map((r) => r.cpu[k]))]),
  );
}

const cpuText = (cpu) =>
  Object.entries(cpu)
    .map(([k, us]) => `${k} ${Number.isNaN(us) ? "?" : us.toFixed(1)}`)
    .join(", ");

// ── HTTP ───────────────────────────────────────────────────────────────────────────────────────

async function get(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

async function createOrder(api) {
  const res = await fetch(`${api}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ORDER),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201 || typeof body.id !== "string")
    throw new Error(`POST /orders answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** Counts of "status x-cache" (or "status") answers. */
function counter() {
  const counts = {};
  return {
    counts,
    add: (status, tag) => {
      const key = tag ? `${status} ${tag}` : String(status);
      counts[key] = (counts[key] ?? 0) + 1;
    },
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
    text: () =>
      `(${Object.entries(counts)
        .map(([k, n]) => `${n} × ${k}`)
        .join(", ")})`,
  };
}

/** Every order's cache entry becomes a tombstone of POISON_VERSION (the app's key format). */
async function poison(redisUrl, ids) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.set(`myapp:order:${id}`, `${POISON_VERSION}|`, "EX", 900);
    const results = await pipeline.exec();
    const failed = results.filter(([error]) => error);
    if (failed.length) throw new Error(`poisoning the cache: ${failed[0][0].message}`);
  } finally {
    redis.disconnect();
  }
}

// ── clean-up ───────────────────────────────────────────────────────────────────────────────────

/** The baselines, `parity down --volumes`, then whatever is left: recorded groups, epmd, sockets. */
async function cleanUp({ parity, project, bins, servers }) {
  const problems = [];
  for (const server of servers) {
    const child = server?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (existsSync(join(project, ".parity"))) {
    try {
      const down = await parity(["down", "--volumes"], 60_000);
      if (down.code !== 0)
        problems.push(
          `parity down --volumes exited ${down.code ?? down.signal}: ${down.stderr.trim()}`,
        );
    } catch (error) {
      problems.push(error.message);
    }
  }
  killRecorded(project);
  killEpmd(bins.epmd, PORTS.rabbitmq);
  removeSocketDir(project);
  try {
    await waitPortsFree(allPorts(PORTS), "after clean-up");
  } catch (error) {
    problems.push(error.message);
  }
  if (problems.length) process.stderr.write(`bench myapp: clean-up: ${problems.join("; ")}\n`);
}

// ── report ─────────────────────────────────────────────────────────────────────────────────────

const progress = (text) => process.stderr.write(`  myapp: ${text}\n`);
const mark = (ok) => (ok ? "✅" : "❌");
const rate = (rps) => `${Math.round(rps).toLocaleString("en-US")} req/s`;
const ms = (value) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const lat = (run) =>
  `p50 ${ms(percentile(run.latencies, 50))}, p99 ${ms(percentile(run.latencies, 99))}`;
// The example logs each answered request at debug; at info and above, none.
const requestLogging = (level) => ["debug", "trace"].includes(level);
const faultNote = (run) => (faults(run) ? ` ❌ ${faults(run)}` : "");

function section({
  bare,
  cached,
  floorGet,
  floorMget,
  uncached,
  post,
  created,
  drainMs,
  env,
  problems,
  fastifyVersion,
  layout,
  cpuSets,
  settled,
  loads,
}) {
  // Each ratio is the median of the rounds' ratios: a round's targets saw the same machine.
  const ratioOf = (a, b) => {
    const perRound = a.rounds.map((x, i) => x / b.rounds[i]);
    return {
      value: median(perRound),
      text: perRound.map((r) => `${(r * 100).toFixed(0)} %`).join(", "),
    };
  };
  const ratio = ratioOf(cached, bare);
  const rounds = (run) => run.rounds.map((r) => Math.round(r)).join(", ");
  const ratioRow = (what, a, b) => {
    const r = ratioOf(a, b);
    return `| ${what}, median of the ${ROUNDS} rounds (${r.text}) | ${(r.value * 100).toFixed(0)} % | |`;
  };
  const us = (value) => (Number.isNaN(value) ? "?" : `${value.toFixed(1)} µs`);
  const cpuCell = ({ cpu }, server) =>
    `${server} ${us(cpu.server)}, Redis ${us(cpu.redis)}, autocannon ${us(cpu.autocannon)}`;
  const placement = layout
    ? `autocannon (the bench process, every thread) pinned to CPU ${cpuSets.autocannon ?? layout.load}, and everything it measures to CPU ${layout.servers} with \`taskset\`: the stack \`parity up\` starts (Postgres, Redis, RabbitMQ, the app and its worker; the app's process allowed CPU ${cpuSets.app ?? "?"}, Redis's ${cpuSets.redis ?? "?"}), the bare server (${cpuSets.bare ?? "?"}) and the floors (${cpuSets.floors ?? "?"}). So the load generator never competes with a server for a CPU, and all targets get the same CPUs; the CPUs of the cached reads and of the floors also carry Redis, whose work is part of a read from it`
    : `no CPU pinning (fewer than 2 CPUs or no \`taskset\`): autocannon shares the machine's ${cpus().length} CPUs with the app, Redis, Postgres, RabbitMQ and the worker`;
  return [
    "## myapp",
    "",
    `The example's orders API (\`examples/myapp\`, brought up by \`parity up --detach\` in a temp copy, app at \`LOG_LEVEL=${env.LOG_LEVEL}\` ${LOG_LEVEL_OVERRIDE ? "from BENCH_MYAPP_LOG_LEVEL, not as its parity.yaml sets it" : "as its parity.yaml sets it"}) under autocannon on loopback: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s of warm-up of each target, then ${ROUNDS} rounds of ${ROUND_SECONDS} s runs of the bare route, the cached reads and two floors in alternating order, and one ${SECONDS} s run of each other measure; ${layout ? `autocannon on CPU ${layout.load}, the servers on CPU ${layout.servers}` : "no CPU pinning"}.`,
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| bare Fastify, \`GET /\` constant JSON, logger off (median of ${ROUNDS} rounds: ${rounds(bare)}) | ${rate(bare.rps)}; ${lat(bare)}${faultNote(bare)} | |`,
    `| \`GET /orders/:id\`, warm cache, every answer \`x-cache: hit\` (median of ${ROUNDS} rounds: ${rounds(cached)}) | ${rate(cached.rps)}; ${lat(cached)}${faultNote(cached)} | |`,
    `| ratio cached reads / bare route, median of the ${ROUNDS} rounds (${ratio.text}) | ${(ratio.value * 100).toFixed(0)} % | ≥ ${TARGET_RATIO * 100} % ${mark(ratio.value >= TARGET_RATIO && !faults(cached))} |`,
    `| floor: bare Fastify + one Redis GET of the same entry per request (median of ${ROUNDS} rounds: ${rounds(floorGet)}) | ${rate(floorGet.rps)}; ${lat(floorGet)}${faultNote(floorGet)} | |`,
    `| floor: bare Fastify + the reads of a turn as one Redis MGET, as the app does (median of ${ROUNDS} rounds: ${rounds(floorMget)}) | ${rate(floorMget.rps)}; ${lat(floorMget)}${faultNote(floorMget)} | |`,
    ratioRow("ratio floor GET / bare route", floorGet, bare),
    ratioRow("ratio floor MGET / bare route", floorMget, bare),
    ratioRow(
      "ratio cached reads / floor MGET (what the app costs over the least a batched read can)",
      cached,
      floorMget,
    ),
    `| CPU time per request, bare route (medians of the rounds) | ${cpuCell(bare, "bare server")} | |`,
    `| CPU time per request, cached reads (medians of the rounds) | ${cpuCell(cached, "app")} | |`,
    `| CPU time per request, floor GET (medians of the rounds) | ${cpuCell(floorGet, "floor")} | |`,
    `| CPU time per request, floor MGET (medians of the rounds) | ${cpuCell(floorMget, "floor")} | |`,
    `| \`GET /orders/:id\`, every answer \`x-cache: miss\` (${created.toLocaleString("en-US")} orders in rotation) | ${rate(uncached.rps)}; ${lat(uncached)}${faultNote(uncached)} | |`,
    `| \`POST /orders\`, valid bodies, 201 each (${post.ok.toLocaleString("en-US")} created; worker and outbox relay at work) | ${rate(post.rps)}; ${lat(post)}${faultNote(post)} | |`,
    `| worker had confirmed every created order | ${(drainMs / 1000).toFixed(1)} s after the POST run | |`,
    ...problems.map((p) => `\n${mark(false)} ${p}.`),
    "",
    `Method: the baseline is a bare Fastify ${fastifyVersion} server (the same package the example resolves, same Node, logger off) in its own process on a free loopback port. Placement: ${placement}. ` +
      "The floors are a second process of the same Fastify and ioredis on the same Redis, reading the same entry with nothing of the app around the read (no validation, logger, error handling or fallback): one GET per request, as cache-aside is usually written, and the reads of one event-loop turn as one MGET, as the app does. They show what a read from Redis costs on this machine, whatever the app does: the app cannot be faster than the floor of its own method. " +
      `All targets are measured the same way: ${WARMUP_SECONDS} s of warm-up each (JIT, connection pools), then ${ROUNDS} rounds of ${ROUND_SECONDS} s runs, in the order bare, cached, floor GET, floor MGET in odd rounds and the reverse in even ones, so that none always runs on the fresher or the warmer machine; each ratio is the median of the ${ROUNDS} per-round ratios (req/s: autocannon's mean of per-second samples), since the machine's speed drifts between rounds. ` +
      "CPU time per request is each process's user + system time over the round (from /proc; autocannon's is the bench process's own) divided by the requests answered; the bare rounds' Redis figure is Redis idling. " +
      `Machine load: ${pct(settled.busy)} of the CPUs busy just before the measures (${settled.quiet ? "quiet" : "not quiet after 30 s: other work was running"}); 1-minute load average ${loads[0].toFixed(2)} before the rounds, ${loads[1].toFixed(2)} after. ` +
      "The cached order was created by `POST /orders`, read until the worker had confirmed it, then read once more to check `x-cache: hit`; every answer of the cached run is checked to be `200 hit`. " +
      "For the uncached reads the orders created by the POST run (once the worker had confirmed them all) have their Redis entry replaced by a tombstone of a version no order reaches, so every read misses, queries Postgres and runs the put-if-newer script, which keeps the tombstone; requests rotate over those orders and each answer is checked to be `200 miss`. " +
      `Latencies are the 2xx answers' times at sub-millisecond precision (nearest rank). The app logs at \`${env.LOG_LEVEL}\`: ${requestLogging(env.LOG_LEVEL) ? "the app writes one line per request to its log file (asynchronously), which weighs on every number here" : "the app writes no line per request at this level"}.`,
    "",
  ].join("\n");
}
