// Process, port and waiting helpers for the `up` suite: every wait has a deadline, none is a fixed sleep.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Repeats `check` until it returns (resolves) without throwing, `stop()` names a reason to give
 * up, or the deadline passes. `intervalMs` is the pause between failed attempts, not a sleep in
 * place of a condition.
 */
export async function waitFor(what, check, { timeoutMs, intervalMs = 20, stop } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    const stopped = stop?.();
    if (stopped) throw new Error(`${what}: ${stopped}`);
    try {
      return await check();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline)
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Whether 127.0.0.1:port can be bound right now (as parity's preflight asks). */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** Waits until every port is free; throws naming the ones still taken (and by whom). */
export async function waitPortsFree(ports, what, timeoutMs = 20_000) {
  await waitFor(
    `${what}: ports ${ports.join(", ")} free again`,
    async () => {
      const busy = [];
      for (const port of ports) if (!(await portIsFree(port))) busy.push(port);
      if (busy.length) throw new Error(`still in use: ${busy.map(describePort).join(", ")}`);
    },
    { timeoutMs, intervalMs: 50 },
  );
}

function describePort(port) {
  const out = spawnSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" }).stdout ?? "";
  const who = /users:\(\((.*?)\)\)/.exec(out)?.[1];
  return who ? `${port} (${who})` : String(port);
}

/** Live (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid) {
  const members = [];
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X")
        members.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return members;
}

function safeReaddir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Stops a process group: `signal`, then SIGKILL after `graceMs`; resolves once it is empty. */
export async function stopGroup(pgid, signal = "SIGTERM", graceMs = 10_000) {
  if (!groupMembers(pgid).length) return "gone";
  signalGroup(pgid, signal);
  try {
    await waitFor(
      `process group ${pgid}`,
      () => {
        if (groupMembers(pgid).length) throw new Error("still running");
      },
      { timeoutMs: graceMs, intervalMs: 25 },
    );
    return "stopped";
  } catch {
    signalGroup(pgid, "SIGKILL");
    await waitFor(
      `process group ${pgid} after SIGKILL`,
      () => {
        if (groupMembers(pgid).length) throw new Error("still running");
      },
      { timeoutMs: 10_000, intervalMs: 25 },
    );
    return "killed";
  }
}

/** Field 22 of /proc/<pid>/stat (start time), or undefined when the pid is gone or a zombie. */
function startTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" || fields[0] === "X" ? undefined : Number(fields[19]);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL to the group of a process parity recorded ({pid, startTicks}), only while it is still
 * that group: its leader alive with the same start time, or gone with members left (a pid is not
 * handed out while a group of that number exists).
 */
export function killRecordedGroup(identity) {
  const ticks = startTicks(identity.pid);
  const ours =
    ticks === identity.startTicks || (ticks === undefined && groupMembers(identity.pid).length > 0);
  if (ours) signalGroup(identity.pid, "SIGKILL");
}

/** SIGKILL to every process group parity's state file in `project` records (their leaders' pids). */
export function killRecorded(project) {
  try {
    const state = JSON.parse(readFileSync(join(project, ".parity/state.json"), "utf8"));
    for (const record of Object.values(state.resources ?? {}))
      if (record.process) killRecordedGroup(record.process);
  } catch {
    // no state: nothing recorded
  }
}

/** The directory of the project's server sockets, named as src/run/local/layout.ts names it. */
export function removeSocketDir(project) {
  const id = createHash("sha256").update(project).digest("hex").slice(0, 10);
  rmSync(join(tmpdir(), `parity-${id}`), { recursive: true, force: true });
}

/** SIGKILL to a process group, synchronously (for emergency clean-up). */
export function killGroupNow(pgid) {
  signalGroup(pgid, "SIGKILL");
}

/**
 * Runs a command to completion, capturing its output. After `timeoutMs` it is sent SIGTERM (and
 * SIGKILL 30 s later) and the result says `timedOut`. Resolves with the exit code, output and
 * wall-clock milliseconds.
 */
export function runCommand(command, args, { cwd, env = process.env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const startedAt = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let killer;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      clearTimeout(killer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      const ms = performance.now() - start;
      const endedAt = Date.now();
      clearTimeout(timer);
      clearTimeout(killer);
      // Output may still be in flight: wait for the pipes to close (detached servers do not hold them).
      let open = 2;
      const done = () => {
        if (--open === 0)
          resolve({ code, signal, stdout, stderr, ms, startedAt, endedAt, timedOut });
      };
      if (child.stdout.closed) done();
      else child.stdout.once("close", done);
      if (child.stderr.closed) done();
      else child.stderr.once("close", done);
    });
  });
}

/** One HTTP GET against 127.0.0.1; resolves with the status code. */
export function httpStatus(port, path, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "GET", timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}
