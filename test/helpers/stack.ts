import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { copyFixture } from "./cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "parity.js");

export interface StackPorts {
  postgres: number;
  redis: number;
  rabbitmq: number;
  app: number;
}

/**
 * A copy of the local-stack fixture on ports of the test's own (so test files can run in
 * parallel), optionally with another migrate command, RabbitMQ's management UI, or no RabbitMQ.
 */
export function prepareStack(
  ports: StackPorts,
  options: { migrate?: string; withoutRabbitmq?: boolean; management?: number } = {},
): string {
  const dir = copyFixture("local-stack");
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  let spec = readFileSync(join(dir, "parity.yaml"), "utf8")
    .replace("forward: 25432", `forward: ${ports.postgres}`)
    .replace("forward: 26379", `forward: ${ports.redis}`)
    .replace("forward: 25672", `forward: ${ports.rabbitmq}`)
    .replace("forward: 28080", `forward: ${ports.app}`);
  if (options.migrate)
    spec = spec.replace("command: node migrate.js", `command: ${JSON.stringify(options.migrate)}`);
  if (options.management)
    spec = spec.replace(
      `forward: ${ports.rabbitmq}\n`,
      `forward: ${ports.rabbitmq}\n    management: ${options.management}\n`,
    );
  if (options.withoutRabbitmq) {
    spec = spec
      .replace(/ {2}rabbitmq:\n {4}forward: \d+\n/, "")
      .replace("uses: [postgres, redis, rabbitmq]", "uses: [postgres, redis]");
  }
  writeFileSync(join(dir, "parity.yaml"), spec);
  return dir;
}

/** `parity …` running in the background, its output collected as it comes. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function parityInBackground(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: "1" } });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return { child, output: () => output, exited };
}

/**
 * Waits for a condition, polling; fails with `what` when the deadline passes, or at once when the
 * background parity it watches has exited (with that parity's output, to see why).
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  watching?: Running,
): Promise<void> {
  let exited = false;
  void watching?.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    if (exited) throw new Error(`parity exited while waiting for ${what}:\n${watching!.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${watching ? `:\n${watching.output()}` : ""}`,
  );
}

interface Recorded {
  pid: number;
  startTicks: number;
}

/** Every process the state file records (or recorded in `snapshot`), with whether it still lives. */
export function recordedProcesses(dir: string): Record<string, Recorded> {
  const path = join(dir, ".parity", "state.json");
  if (!existsSync(path)) return {};
  const state = JSON.parse(readFileSync(path, "utf8")) as {
    resources: Record<string, { process?: Recorded }>;
  };
  return Object.fromEntries(
    Object.entries(state.resources).flatMap(([name, r]) =>
      r.process ? [[name, r.process] as const] : [],
    ),
  );
}

/** Alive, not a zombie, and the same process (start time), not a reused pid. */
export function alive(p: Recorded): boolean {
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] !== "Z" && Number(fields[19]) === p.startTicks;
  } catch {
    return false;
  }
}

/** Every live process in the process group led by `pgid`. */
export function groupAlive(pgid: number): boolean {
  return readdirSync("/proc").some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return fields[0] !== "Z" && Number(fields[2]) === pgid;
    } catch {
      return false;
    }
  });
}

/** One HTTP request on a fresh connection (a kept-alive one may lead to an app that was restarted). */
export function getJson(
  url: string,
  method = "GET",
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * A stand-in for a service parity does not run (a managed dev account): an HTTP server in a
 * process of its own, since a test blocks while the parity it runs checks it. Every request gets
 * `status`. Resolves with its URL and a way to stop it.
 */
export async function startAccount(status: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [
    "-e",
    `const s = require("http").createServer((q, r) => r.writeHead(${status}).end()); s.listen(0, "127.0.0.1", () => console.log(s.address().port))`,
  ]);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the account server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/health`, stop: () => child.kill() };
}

/** The generated credentials of a stack (its `.parity/secrets.env`), to prove none is printed. */
export function stackSecrets(dir: string): string[] {
  return readFileSync(join(dir, ".parity/secrets.env"), "utf8")
    .split("\n")
    .filter((l) => l.includes("="))
    .map((l) => l.split("=")[1]!);
}
