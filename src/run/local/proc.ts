import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { RUN_HEADER } from "./log-tail.js";

/** A process as the kernel knows it: the pid plus its start time, so a reused pid is not mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
  startTicks: number;
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (state === "Z" || state === "X") return undefined; // zombies have exited
    return { pid, startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

export function isAlive(id: ProcessIdentity): boolean {
  return identityOf(id.pid)?.startTicks === id.startTicks;
}

export interface SpawnRequest {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logPath: string;
  /** Long-running servers outlive parity: parity does not wait for them to exit. */
  outlive?: boolean;
  uid?: number;
  gid?: number;
}

export interface Spawned {
  identity: ProcessIdentity;
  /** Resolves with the exit code (or null when killed by a signal) while this parity watches it. */
  exited: Promise<number | null>;
}

/**
 * Starts a process in a process group of its own, output appended to its log file. It outlives
 * parity (`--detach`); stopping it signals the whole group, so nothing it started is orphaned.
 */
export function spawnLogged(request: SpawnRequest): Spawned {
  const fd = openSync(request.logPath, "a", 0o600);
  writeSync(
    fd,
    `${RUN_HEADER}${new Date().toISOString()} ${[request.command, ...request.args].join(" ")}\n`,
  );
  const child = spawn(request.command, request.args, {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ["ignore", fd, fd],
    ...(request.uid !== undefined ? { uid: request.uid, gid: request.gid } : {}),
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      // Node reports a command that cannot start after spawn() returned: the log is still open.
      writeSync(fd, `parity: cannot start ${request.command}: ${error.message}\n`);
      closeSync(fd);
      resolve(127);
    });
    child.once("exit", (code) => resolve(code));
  });
  // The child has its own copy of the descriptor; ours is closed unless the error above needs it.
  if (child.pid !== undefined) closeSync(fd);
  if (request.outlive) child.unref();
  const pid = child.pid ?? -1;
  return { identity: identityOf(pid) ?? { pid, startTicks: -1 }, exited };
}

/** Signals a process group (pgid = pid of its leader); false when it is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose group is `pgid` (the leader may have exited before its children). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return members;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
