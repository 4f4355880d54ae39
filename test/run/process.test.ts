import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logTail } from "../../src/run/local/log-tail.js";
import { systemClock } from "../../src/run/local/poll.js";
import {
  groupMembers,
  identityOf,
  isAlive,
  signalGroup,
  spawnLogged,
  type ProcessIdentity,
  type SpawnRequest,
} from "../../src/run/local/proc.js";
import { stopGroup } from "../../src/run/local/stop.js";
import { tempDir, waitUntil } from "../helpers/run-fakes.js";

let dir: string;
let remove: () => void;
const groups: number[] = [];

beforeEach(() => {
  ({ dir, remove } = tempDir("proc"));
});

afterEach(() => {
  // Whatever a failed test left running: its group, by the id this test started.
  for (const pgid of groups.splice(0)) signalGroup(pgid, "SIGKILL");
  remove();
});

function run(script: string, extra: Partial<SpawnRequest> = {}) {
  const spawned = spawnLogged({
    command: "sh",
    args: ["-c", script],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    cwd: dir,
    logPath: join(dir, "out.log"),
    ...extra,
  });
  groups.push(spawned.identity.pid);
  return spawned;
}

/** Fields 3… of /proc/<pid>/stat: [state, ppid, pgrp, session, …]. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

describe("spawnLogged", () => {
  it("writes a header line, then the process's stdout and stderr, into the log", async () => {
    const spawned = run("echo hello; echo oops >&2; exit 3");
    expect(await spawned.exited).toBe(3);
    const lines = readFileSync(join(dir, "out.log"), "utf8").split("\n");
    expect(lines[0]).toMatch(
      /^--- parity: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z sh -c echo hello; echo oops >&2; exit 3$/,
    );
    expect(lines.slice(1)).toEqual(["hello", "oops", ""]);
    expect(statSync(join(dir, "out.log")).mode & 0o777).toBe(0o600);
  });

  it("appends each run after a header of its own; the tail shows only the last run", async () => {
    expect(await run("echo first run").exited).toBe(0);
    expect(await run("echo second run").exited).toBe(0);
    const text = readFileSync(join(dir, "out.log"), "utf8");
    expect(text.match(/^--- parity: /gm)).toHaveLength(2);
    expect(text).toContain("first run\n");
    expect(logTail(join(dir, "out.log"))).toEqual(["second run"]);
  });

  it("runs in the requested directory with exactly the requested environment", async () => {
    const spawned = run('echo "foo=$FOO home=${HOME:-unset}"; pwd', {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", FOO: "bar" },
    });
    expect(await spawned.exited).toBe(0);
    expect(logTail(join(dir, "out.log"))).toEqual(["foo=bar home=unset", dir]);
  });

  it("resolves exited with null when the process is killed by a signal", async () => {
    const spawned = run("sleep 30");
    signalGroup(spawned.identity.pid, "SIGKILL");
    expect(await spawned.exited).toBeNull();
  });

  it("puts the process in a process group (and session) of its own", async () => {
    const spawned = run("sleep 30 & sleep 30");
    const { pid } = spawned.identity;
    const [, , pgrp, session] = statFields(pid);
    expect(Number(pgrp)).toBe(pid);
    expect(Number(session)).toBe(pid);
    expect(Number(pgrp)).not.toBe(Number(statFields(process.pid)[2]));
    await waitUntil(() => groupMembers(pid).length === 3, "sh and its two sleeps");
    expect(groupMembers(pid)).toContain(pid);
    expect(signalGroup(pid, "SIGKILL")).toBe(true);
    await spawned.exited;
    await waitUntil(() => groupMembers(pid).length === 0, "the group to be gone");
  });

  it("signalGroup answers false for a group that does not exist", () => {
    expect(signalGroup(2 ** 30, "SIGTERM")).toBe(false);
  });

  // Blocked by a bug in proc.ts (see the report): the log's fd is closed before the async
  // "error" event, so writeSync throws EBADF (an uncaught exception) and `exited` never settles.
  it("reports a command that cannot start in the log and as exit code 127", async () => {
    const spawned = spawnLogged({
      command: join(dir, "no-such-command"),
      args: [],
      env: {},
      cwd: dir,
      logPath: join(dir, "out.log"),
    });
    expect(await spawned.exited).toBe(127);
    expect(readFileSync(join(dir, "out.log"), "utf8")).toContain(
      `parity: cannot start ${join(dir, "no-such-command")}: spawn`,
    );
  });
});

describe("identityOf / isAlive", () => {
  it("names a live process by pid and start time", async () => {
    const spawned = run("sleep 30");
    const identity = identityOf(spawned.identity.pid)!;
    expect(identity).toEqual(spawned.identity);
    expect(identity.startTicks).toBeGreaterThan(0);
    expect(Number.isInteger(identity.startTicks)).toBe(true);
    expect(Number(statFields(identity.pid)[19])).toBe(identity.startTicks);
    expect(isAlive(identity)).toBe(true);
    expect(isAlive(identityOf(process.pid)!)).toBe(true);
  });

  it("does not mistake a reused pid (another start time) for the process", () => {
    const me = identityOf(process.pid)!;
    expect(isAlive({ pid: me.pid, startTicks: me.startTicks + 1 })).toBe(false);
    expect(isAlive({ pid: me.pid, startTicks: me.startTicks - 1 })).toBe(false);
  });

  it("counts a process that exited as not alive", async () => {
    const spawned = run("exit 0");
    const identity: ProcessIdentity = spawned.identity;
    await spawned.exited;
    await waitUntil(() => identityOf(identity.pid) === undefined, "the pid to be reaped");
    expect(isAlive(identity)).toBe(false);
  });

  it("gives nothing for a pid that does not exist", () => {
    expect(identityOf(0)).toBeUndefined();
    expect(identityOf(-1)).toBeUndefined();
    expect(identityOf(2 ** 30)).toBeUndefined();
  });

  it("counts a zombie as not alive, and not as a member of its group", async () => {
    // sh forks `sleep 0`, then becomes `sleep 30`, which never reaps it: a zombie.
    const spawned = run("sleep 0 & exec sleep 30");
    const { pid } = spawned.identity;
    let zombie: number | undefined;
    await waitUntil(() => {
      zombie = childrenOf(pid).find((c) => statFields(c)[0] === "Z");
      return zombie !== undefined;
    }, "a zombie child of the sleep");
    const ticks = Number(statFields(zombie!)[19]);
    expect(identityOf(zombie!)).toBeUndefined();
    expect(isAlive({ pid: zombie!, startTicks: ticks })).toBe(false);
    expect(groupMembers(pid)).toEqual([pid]);
  });
});

describe("stopGroup", () => {
  it("stops a group with the polite signal, children of the leader included", async () => {
    const spawned = run("sleep 30 & sleep 30");
    const { pid } = spawned.identity;
    await waitUntil(() => groupMembers(pid).length === 3, "sh and its two sleeps");
    const children = groupMembers(pid).filter((p) => p !== pid);
    const identities = children.map((p) => identityOf(p)!);
    expect(identities.every(isAlive)).toBe(true);

    expect(await stopGroup(spawned.identity, "SIGTERM", systemClock, 5_000)).toBe("stopped");
    expect(groupMembers(pid)).toEqual([]);
    expect(identities.some(isAlive)).toBe(false);
    expect(isAlive(spawned.identity)).toBe(false);
  });

  it("kills a group whose leader ignores SIGTERM once the grace period is over", async () => {
    // Ignored signals are inherited: the sleeps ignore SIGTERM too.
    const spawned = run("trap '' TERM; sleep 30 & sleep 30 & wait");
    const { pid } = spawned.identity;
    // Both sleeps exist only after the trap is in place.
    await waitUntil(() => groupMembers(pid).length === 3, "sh and its two sleeps");
    const began = Date.now();
    expect(await stopGroup(spawned.identity, "SIGTERM", systemClock, 300)).toBe("killed");
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(groupMembers(pid)).toEqual([]);
    expect(await spawned.exited).toBeNull();
  });

  it("stops the rest of a group whose leader has already exited", async () => {
    const spawned = run("sleep 30 & exit 0");
    const { pid } = spawned.identity;
    expect(await spawned.exited).toBe(0);
    await waitUntil(
      () => identityOf(pid) === undefined && groupMembers(pid).length === 1,
      "the leader gone, its sleep left",
    );
    const orphan = identityOf(groupMembers(pid)[0]!)!;
    expect(await stopGroup(spawned.identity, "SIGTERM", systemClock, 5_000)).toBe("stopped");
    expect(isAlive(orphan)).toBe(false);
    expect(groupMembers(pid)).toEqual([]);
  });

  it("answers gone for a group with nobody left", async () => {
    const spawned = run("exit 0");
    await spawned.exited;
    await waitUntil(() => groupMembers(spawned.identity.pid).length === 0, "the group to end");
    expect(await stopGroup(spawned.identity, "SIGTERM", systemClock, 5_000)).toBe("gone");
  });

  it("does not touch a live process whose start time differs (a reused pid)", async () => {
    const spawned = run("sleep 30");
    const { pid } = spawned.identity;
    const impostor = { pid, startTicks: spawned.identity.startTicks + 1 };
    expect(await stopGroup(impostor, "SIGTERM", systemClock, 5_000)).toBe("gone");
    expect(isAlive(spawned.identity)).toBe(true);
  });
});

describe("a child spawned without spawnLogged", () => {
  it("shares this process's group (the contrast that detached: true makes)", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await waitUntil(() => identityOf(child.pid!) !== undefined, "the child to exist");
      expect(Number(statFields(child.pid!)[2])).toBe(Number(statFields(process.pid)[2]));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
