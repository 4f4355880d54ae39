import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ParityError } from "../../src/errors.js";
import { StackLock } from "../../src/run/local/lock.js";
import { identityOf } from "../../src/run/local/proc.js";
import { tempDir, waitUntil } from "../helpers/run-fakes.js";

let dir: string;
let remove: () => void;
let path: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  ({ dir, remove } = tempDir("lock"));
  path = join(dir, ".parity", "lock");
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  remove();
});

async function liveChild(): Promise<{ pid: number; startTicks: number }> {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  children.push(child);
  await waitUntil(() => identityOf(child.pid!) !== undefined, "the child to exist");
  return identityOf(child.pid!)!;
}

/** The identity of a process that has exited (and been reaped). */
async function deadPid(): Promise<{ pid: number; startTicks: number }> {
  const identity = await liveChild();
  const child = children.pop()!;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  await waitUntil(() => identityOf(identity.pid) === undefined, "the pid to be reaped");
  return identity;
}

function writeLock(text: string): void {
  mkdirSync(join(dir, ".parity"), { recursive: true });
  writeFileSync(path, text);
}

const readLock = () => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("StackLock", () => {
  it("acquire writes this process's identity and command; release removes it", () => {
    const lock = new StackLock(path);
    lock.acquire("up");
    expect(readLock()).toEqual({ ...identityOf(process.pid), command: "up" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(lock.owner()).toEqual({ ...identityOf(process.pid), command: "up" });
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(lock.owner()).toBeUndefined();
    lock.release(); // twice is harmless
    lock.acquire("down");
    expect(readLock().command).toBe("down");
    lock.release();
  });

  it("refuses a second acquire while this (live) process holds it", () => {
    const first = new StackLock(path);
    first.acquire("up");
    const second = new StackLock(path);
    expect(() => second.acquire("down")).toThrow(ParityError);
    // The loser's release does not remove the winner's lock.
    second.release();
    expect(readLock().command).toBe("up");
    first.release();
  });

  it("refuses while a live process named in the lock file runs, naming its pid and command", async () => {
    const owner = await liveChild();
    writeLock(JSON.stringify({ ...owner, command: "up" }));

    let error: unknown;
    try {
      new StackLock(path).acquire("down");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParityError);
    expect((error as ParityError).exitCode).toBe(1);
    expect((error as Error).message).toBe(
      `another \`parity up\` (pid ${owner.pid}) is running for this stack: wait for it, or stop it with \`parity down\``,
    );
    expect(readLock()).toEqual({ ...owner, command: "up" });
  });

  it("takes over a lock whose process is gone", async () => {
    const gone = await deadPid();
    writeLock(JSON.stringify({ ...gone, command: "up" }));
    const lock = new StackLock(path);
    expect(lock.owner()).toBeUndefined();
    lock.acquire("down");
    expect(readLock()).toEqual({ ...identityOf(process.pid), command: "down" });
    lock.release();
  });

  it("takes over a lock whose pid now belongs to another process (other start time)", async () => {
    const other = await liveChild();
    writeLock(JSON.stringify({ pid: other.pid, startTicks: other.startTicks - 1, command: "up" }));
    const lock = new StackLock(path);
    lock.acquire("up");
    expect(readLock()).toEqual({ ...identityOf(process.pid), command: "up" });
    expect(identityOf(other.pid)).toEqual(other); // the other process is left alone
    lock.release();
  });

  it("takes over an unreadable lock file", async () => {
    writeLock("{not json");
    const lock = new StackLock(path);
    lock.acquire("up");
    expect(readLock().pid).toBe(process.pid);
    lock.release();
  });
});
