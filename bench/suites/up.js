import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { median } from "./stats.js";
import {
  allPorts,
  criticalPathOnce,
  killEpmd,
  listenerAt,
  resolveServerBinaries,
} from "./up-critical-path.js";
import {
  httpStatus,
  killGroupNow,
  killRecorded,
  portIsFree,
  removeSocketDir,
  runCommand,
  waitPortsFree,
} from "./up-procs.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin/parity.js");
const fixture = join(root, "test/fixtures/local-stack");
const COLD_RUNS = 3;
const WARM_RUNS = 10;
/** Port blocks no test uses; rabbitmq also binds AMQP+20000 and AMQP+20001 (61672/61673, 62672/62673). */
const PARITY_PORTS = { postgres: 41432, redis: 41379, rabbitmq: 41672, app: 41080 };
const SCRIPT_PORTS = { postgres: 42432, redis: 42379, rabbitmq: 42672, app: 42080 };
const SERVICES = ["postgres", "redis", "rabbitmq"];

/**
 * `parity up --detach` of the myapp-shaped stack from empty data against its critical path
 * measured by a minimal script in the same run (the servers started in parallel as parity starts
 * them, then migrate, seed and the app), and a warm `up` of the running stack.
 */
export async function run() {
  const base = mkdtempSync(join(tmpdir(), "parity-bench-up-"));
  chmodSync(base, 0o755); // postgres runs as its own account and must enter the project
  const project = join(base, "stack");
  const appDir = join(base, "script");
  copyFixture(project);
  copyFixture(appDir);
  movePorts(join(project, "parity.yaml"));

  const runAs = unprivilegedAccount();
  const bins = resolveServerBinaries();
  const tracked = new Set(); // process groups of the critical-path script, for clean-up
  const parity = (args, timeoutMs) =>
    runCommand(process.execPath, [bin, ...args], { cwd: project, env: benchEnv(), timeoutMs });
  const emergency = () => {
    spawnSync(process.execPath, [bin, "down", "--volumes"], { cwd: project, timeout: 30_000 });
    killRecorded(project);
    for (const entry of tracked) killGroupNow(entry.pgid);
    killEpmd(bins.epmd, PARITY_PORTS.rabbitmq);
    killEpmd(bins.epmd, SCRIPT_PORTS.rabbitmq);
    process.exit(130);
  };
  process.once("SIGINT", emergency);
  process.once("SIGTERM", emergency);

  const script = [];
  const cold = [];
  const warm = [];
  const downs = [];
  try {
    await requireFree([...allPorts(PARITY_PORTS), ...allPorts(SCRIPT_PORTS)]);
    // Interleaved, so that both see the same machine (and the same disk cache).
    for (let i = 0; i < COLD_RUNS; i++) {
      const work = mkdtempSync(join(base, "run-"));
      chmodSync(work, 0o711);
      script.push(
        await criticalPathOnce({
          work,
          appDir,
          ports: SCRIPT_PORTS,
          bins,
          runAs,
          stack: "shop",
          tracked,
        }),
      );
      rmSync(work, { recursive: true, force: true });
      progress(`critical path ${i + 1}: ${seconds(script.at(-1).critical)}`);

      cold.push(await coldUp(parity, project, bins));
      progress(`cold up ${i + 1}: ${seconds(cold.at(-1).ms)}`);
      // The last cold stack stays up for the warm runs.
      if (i < COLD_RUNS - 1) downs.push(await down(parity, project, bins));
    }
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await warmUp(parity));
    progress(`warm up: ${warm.map((w) => w.ms.toFixed(0)).join(", ")} ms`);
  } finally {
    process.off("SIGINT", emergency);
    process.off("SIGTERM", emergency);
    await cleanUp(parity, project, tracked, bins, downs);
    rmSync(base, { recursive: true, force: true });
  }

  return section({ script, cold, warm, downs, bins });
}

// ── parity runs ────────────────────────────────────────────────────────────────────────────────

/** Without a TTY parity prints one plain line per change; CI keeps it so even if stderr were one. */
const benchEnv = () => ({ ...process.env, CI: "1", PARITY_DEBUG: "1" });

async function coldUp(parity, project, bins) {
  const result = await parity(["up", "--detach"], 240_000);
  if (result.code !== 0)
    throw new Error(`cold parity up ${exitText(result)}:\n${result.stderr.trim()}`);
  const lines = eventLines(result.stderr);
  // --detach returns once the stack is ready: the app must answer now.
  const status = await httpStatus(PARITY_PORTS.app, "/readyz");
  if (status !== 200) throw new Error(`after cold parity up, /readyz answered ${status}`);
  const phases = parityPhases(project, result, lines, bins);
  return { ms: result.ms, lines, parallel: startedInParallel(lines), phases };
}

async function warmUp(parity) {
  const result = await parity(["up", "--detach"], 60_000);
  if (result.code !== 0)
    throw new Error(`warm parity up ${exitText(result)}:\n${result.stderr.trim()}`);
  const lines = eventLines(result.stderr);
  const names = new Set(lines.map((l) => l.name));
  const nothingStarted =
    names.size === 6 &&
    lines.every((l) => l.text === "already running" || l.text === "done earlier");
  if (!nothingStarted) progress(`warm up started something:\n${result.stderr.trim()}`);
  return { ms: result.ms, nothingStarted };
}

/**
 * `parity down --volumes`, which must stop everything within 30 s and free every port. When it
 * does not, the bench stops what parity recorded itself (so the next run starts from empty data)
 * and reports the failure.
 */
async function down(parity, project, bins) {
  const result = await parity(["down", "--volumes"], 30_000);
  let problem;
  if (result.timedOut) problem = "`parity down --volumes` did not finish within 30 s";
  else if (result.code !== 0) problem = `\`parity down --volumes\` ${exitText(result)}`;
  else {
    try {
      await waitPortsFree(allPorts(PARITY_PORTS), "after parity down", 10_000);
    } catch (error) {
      problem = error.message;
    }
  }
  if (problem) {
    progress(`${problem}; stopping the rest itself\n${result.stderr.trim()}`);
    killRecorded(project);
    killEpmd(bins.epmd, PARITY_PORTS.rabbitmq);
    rmSync(join(project, ".parity/data"), { recursive: true, force: true });
    rmSync(join(project, ".parity/state.json"), { force: true });
    await waitPortsFree(allPorts(PARITY_PORTS), "after stopping parity's leftovers");
  }
  return { ms: result.ms, problem };
}

const exitText = (result) =>
  result.timedOut ? "timed out" : `exited ${result.code ?? `on ${result.signal}`}`;

/** `   1.2s  postgres  ready` → { at, name, text } */
function eventLines(output) {
  const events = [];
  for (const line of output.split("\n")) {
    const match = /^\s*(\d+\.\d)s {2}(\S+)\s{2,}(.+)$/.exec(line);
    if (match) events.push({ at: Number(match[1]) * 1000, name: match[2], text: match[3].trim() });
  }
  return events;
}

/** All three services reported `starting` before any resource reported `ready`. */
function startedInParallel(lines) {
  const firstReady = lines.findIndex((l) => l.text === "ready");
  const starts = SERVICES.map((s) => lines.findIndex((l) => l.name === s && l.text === "starting"));
  return starts.every((i) => i >= 0 && (firstReady < 0 || i < firstReady));
}

/**
 * Where parity's time went, to the millisecond: the `--- parity: <ISO time> <command>` line parity
 * writes into a log as it starts each process, the job end times of the state file, the bench's
 * own clock around the process and rabbitmq's log.
 */
function parityPhases(project, result, lines, bins) {
  const logs = join(project, ".parity/logs");
  const spawns = {};
  for (const file of readdirSync(logs)) {
    const name = basename(file, ".log");
    for (const line of readFileSync(join(logs, file), "utf8").split("\n")) {
      const match = /^--- parity: (\S+) (.*)$/.exec(line);
      if (!match) continue;
      const at = Date.parse(match[1]);
      if (at < result.startedAt - 5) continue; // an earlier run
      (spawns[name] ??= []).push({ at, command: match[2] });
    }
  }
  const first = (name) => spawns[name]?.[0];
  // The critical-path script must run the very same executables.
  const expect = {
    postgres: [bins.initdb, bins.postgres],
    redis: [bins.redis],
    rabbitmq: [bins.rabbitmq],
  };
  for (const [name, executables] of Object.entries(expect)) {
    const used = (spawns[name] ?? []).map((s) => s.command.split(" ")[0]);
    if (executables.some((e) => !used.includes(e)))
      throw new Error(
        `parity started ${name} with ${used.join(", ")}, the script with ${executables.join(", ")}`,
      );
  }
  const state = JSON.parse(readFileSync(join(project, ".parity/state.json"), "utf8")).resources;
  const finished = (name) => Date.parse(state[name]?.finishedAt);
  const serverStart = Math.min(...SERVICES.map((s) => first(s)?.at ?? Infinity));
  const lineAt = (name, text) => lines.find((l) => l.name === name && l.text === text)?.at;
  const shopSpawn = first("shop")?.at;
  // The app starts the moment its last prerequisite is seen ready: if that is rabbitmq, its
  // spawn time is when parity noticed rabbitmq, to the millisecond.
  const lastBeforeApp = lines
    .slice(
      0,
      lines.findIndex((l) => l.name === "shop" && l.text === "starting"),
    )
    .filter((l) => l.text === "ready" || l.text === "exited 0")
    .at(-1)?.name;
  const rabbitReady =
    lastBeforeApp === "rabbitmq"
      ? shopSpawn - first("rabbitmq").at
      : lineAt("rabbitmq", "ready") - (first("rabbitmq").at - serverStart);
  const rabbitListener =
    listenerAt(join(logs, "rabbitmq.log"), PARITY_PORTS.rabbitmq) - first("rabbitmq").at;
  return {
    beforeServers: serverStart - result.startedAt,
    postgres: first("migrate").at - first("postgres").at,
    initdb: spawns.postgres[1].at - spawns.postgres[0].at,
    postgresServer: first("migrate").at - spawns.postgres[1].at,
    redis: lineAt("redis", "ready"), // plain output: 0.1 s resolution
    rabbitmq: rabbitReady,
    rabbitListener,
    rabbitLag: rabbitReady - rabbitListener,
    migrate: first("seed").at - first("migrate").at,
    seed: finished("seed") - first("seed").at,
    app: result.endedAt - shopSpawn,
    lastBeforeApp,
  };
}

// ── set-up and clean-up ────────────────────────────────────────────────────────────────────────

function copyFixture(dir) {
  cpSync(fixture, dir, {
    recursive: true,
    filter: (src) => ![".parity", "node_modules"].includes(basename(src)),
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
}

function movePorts(specPath) {
  const doc = parseDocument(readFileSync(specPath, "utf8"));
  for (const service of SERVICES) {
    if (!doc.hasIn(["services", service])) throw new Error(`fixture has no service ${service}`);
    doc.setIn(["services", service, "forward"], PARITY_PORTS[service]);
  }
  if (!doc.hasIn(["apps", "shop"])) throw new Error("fixture has no app shop");
  doc.setIn(["apps", "shop", "forward"], PARITY_PORTS.app);
  writeFileSync(specPath, doc.toString());
}

async function requireFree(ports) {
  const busy = [];
  for (const port of ports) if (!(await portIsFree(port))) busy.push(port);
  if (busy.length) throw new Error(`bench up needs ports ${busy.join(", ")}, which are in use`);
}

/** As parity picks it when root: the `postgres` account, else `nobody`; nobody when not root. */
function unprivilegedAccount() {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = new Map();
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user && uid && gid) accounts.set(user, { user, uid: Number(uid), gid: Number(gid) });
  }
  return accounts.get("postgres") ?? accounts.get("nobody");
}

/** `parity down --volumes`, then whatever is left: recorded process groups, epmd, sockets. */
async function cleanUp(parity, project, tracked, bins, downs) {
  const problems = [];
  try {
    downs.push(await down(parity, project, bins));
  } catch (error) {
    problems.push(error.message);
  }
  killRecorded(project);
  for (const entry of tracked) killGroupNow(entry.pgid);
  killEpmd(bins.epmd, PARITY_PORTS.rabbitmq);
  killEpmd(bins.epmd, SCRIPT_PORTS.rabbitmq);
  removeSocketDir(project);
  try {
    await waitPortsFree([...allPorts(PARITY_PORTS), ...allPorts(SCRIPT_PORTS)], "after clean-up");
  } catch (error) {
    problems.push(error.message);
  }
  if (problems.length) process.stderr.write(`bench up: clean-up: ${problems.join("; ")}\n`);
}

// ── report ─────────────────────────────────────────────────────────────────────────────────────

const progress = (text) => process.stderr.write(`  up: ${text}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ms = (value) => `${Math.round(value)} ms`;
const mark = (ok) => (ok ? "✅" : "❌");
const runs = (list) => list.map((v) => (v / 1000).toFixed(2)).join(", ");

function section({ script, cold, warm, downs, bins }) {
  const coldMs = median(cold.map((c) => c.ms));
  const critical = median(script.map((s) => s.critical));
  const ratio = coldMs / critical;
  const warmMs = median(warm.map((w) => w.ms));
  const parallel = cold.filter((c) => c.parallel).length;
  const idle = warm.filter((w) => w.nothingStarted).length;
  const clean = downs.filter((d) => !d.problem).length;
  const problems = [...new Set(downs.filter((d) => d.problem).map((d) => d.problem))];
  const m = (list, key) => median(list.map((x) => x[key]));
  const p = cold.map((c) => c.phases);
  // What parity adds on the critical chain where no server's own boot is involved: its start-up,
  // noticing the last dependency, noticing the app. Stable where the boot times are not.
  const sm = (key) => m(script, key);
  const pm = (key) => m(p, key);
  const rabbitChain =
    sm("rabbitmq") >= Math.max(sm("postgres") + sm("migrate") + sm("seed"), sm("redis"));
  const noticing = rabbitChain
    ? pm("rabbitLag") - sm("rabbitLag")
    : pm("postgresServer") -
      sm("postgresServer") +
      pm("migrate") -
      sm("migrate") +
      pm("seed") -
      sm("seed");
  const own = pm("beforeServers") + noticing + pm("app") - sm("app");
  const pgMajor = /postgresql\/(\d+)\//.exec(bins.postgres)?.[1] ?? "?";
  const phase = (label, scriptMs, parityMs, note = "") =>
    `| ${label} | ${scriptMs === undefined ? "" : ms(scriptMs)} | ${parityMs === undefined ? "" : ms(parityMs)}${note} | ${
      scriptMs === undefined || parityMs === undefined
        ? ""
        : `${parityMs - scriptMs >= 0 ? "+" : "−"}${ms(Math.abs(parityMs - scriptMs))}`
    } |`;
  return [
    "## up",
    "",
    `The myapp-shaped stack of \`test/fixtures/local-stack\` (postgres ${pgMajor}, redis, rabbitmq, migrate, seed, a node app) from empty data. ` +
      "Critical path: a minimal script, no parity, starts the three servers in parallel as parity starts them and polls each every 20 ms with a real login, " +
      "then runs migrate, seed and the app as the graph orders them: max(postgres + migrate + seed, redis, rabbitmq) + app.",
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| cold \`parity up --detach\`, empty data (median of ${cold.length}) | ${seconds(coldMs)} (runs: ${runs(cold.map((c) => c.ms))}) | |`,
    `| critical path, minimal script (median of ${script.length}) | ${seconds(critical)} (runs: ${runs(script.map((s) => s.critical))}) | |`,
    `| ratio cold up / critical path | ${ratio.toFixed(2)}× | ≤ 1.15× ${mark(ratio <= 1.15)} |`,
    `| services started in parallel (three \`starting\` before any \`ready\`) | ${parallel} of ${cold.length} runs | all ${mark(parallel === cold.length)} |`,
    `| warm \`parity up --detach\`, stack running (median of ${warm.length}) | ${ms(warmMs)} | < 1 s ${mark(warmMs < 1000)} |`,
    `| warm up started nothing (every line \`already running\` / \`done earlier\`) | ${idle} of ${warm.length} runs | all ${mark(idle === warm.length)} |`,
    `| \`parity down --volumes\` stopped everything and freed the ports within 30 s (median ${seconds(median(downs.map((d) => d.ms)))}) | ${clean} of ${downs.length} runs | all ${mark(clean === downs.length)} |`,
    `| parity's own delay on the critical path: start-up + noticing ${rabbitChain ? "rabbitmq" : "postgres, migrate and seed"} + noticing the app (server boot times excluded) | ${ms(own)}, i.e. ${(1 + own / critical).toFixed(2)}× the critical path | |`,
    ...problems.map((p) => `\n${mark(false)} ${p}: the bench stopped the rest itself.`),
    "",
    `Per phase (medians of ${cold.length}; ready times from the server's first process; parity's from its log headers and state file):`,
    "",
    "| phase | minimal script | parity | parity − script |",
    "|---|---|---|---|",
    phase(
      "before the first server starts (node, spec, secrets, preflight)",
      0,
      m(p, "beforeServers"),
    ),
    phase("postgres: initdb", m(script, "initdb"), m(p, "initdb")),
    phase(
      "postgres: server start → login + database created (noticed)",
      m(script, "postgresServer"),
      m(p, "postgresServer"),
    ),
    phase("postgres ready, in all", m(script, "postgres"), m(p, "postgres")),
    phase("redis ready (AUTH + PING)", m(script, "redis"), m(p, "redis"), " (±50, plain output)"),
    phase(
      "rabbitmq: start → `started TCP listener` (its own boot, from its log)",
      m(script, "rabbitListener"),
      m(p, "rabbitListener"),
    ),
    phase(
      "rabbitmq: listener → login succeeds (noticed)",
      m(script, "rabbitLag"),
      m(p, "rabbitLag"),
    ),
    phase("rabbitmq ready, in all", m(script, "rabbitmq"), m(p, "rabbitmq")),
    phase("migrate", m(script, "migrate"), m(p, "migrate")),
    phase("seed", m(script, "seed"), m(p, "seed")),
    phase("app: start → /readyz 200 (parity: → its exit)", m(script, "app"), m(p, "app")),
    phase("total", critical, coldMs),
    "",
  ].join("\n");
}
