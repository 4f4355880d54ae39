import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";

export const EXAMPLE = join(import.meta.dirname, "..");
export const ROOT = join(EXAMPLE, "..", "..");
const BIN = join(ROOT, "bin", "parity.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `parity` CLI, as a developer would. */
export function parity(args: string[], cwd: string): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "1", PARITY_DEBUG: "" },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface ExamplePorts {
  postgres: number;
  redis: number;
  /** AMQP; RabbitMQ also takes this + 20000 (distribution) and + 20001 (epmd). */
  rabbitmq: number;
  app: number;
}

/** What a developer's checkout has and a copy must not: state, installs, builds, these tests. */
const NOT_COPIED = new Set([".parity", "node_modules", "dist", "test"]);

/**
 * A copy of examples/myapp in a temp directory, forwarded to the given ports so that it never
 * meets a developer's own stack (or another test's), with the repository's node_modules linked
 * in (the example is a workspace of the repository: its dependencies are installed there). The
 * directory is world-enterable: as root, parity runs postgres as the `postgres` user.
 */
export function prepareExample(ports: ExamplePorts): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-example-myapp-"));
  chmodSync(dir, 0o755);
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(EXAMPLE, source);
      return path === "" || !NOT_COPIED.has(path.split(/[/\\]/)[0]!);
    },
  });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const spec = parseDocument(readFileSync(join(dir, "parity.yaml"), "utf8"));
  spec.setIn(["services", "postgres", "forward"], ports.postgres);
  spec.setIn(["services", "redis", "forward"], ports.redis);
  spec.setIn(["services", "rabbitmq", "forward"], ports.rabbitmq);
  // The local target serves the management UI on 15672, whatever the forward: a developer's own
  // stack may hold it, so the copy goes without (the tests do not use the UI).
  spec.setIn(["services", "rabbitmq", "management"], false);
  spec.setIn(["apps", "myapp", "forward"], ports.app);
  writeFileSync(join(dir, "parity.yaml"), spec.toString());
  return dir;
}

/** The environment parity gives a resource on this machine, passwords included. */
export function parityEnv(dir: string, resource: string): Record<string, string> {
  const result = parity(["env", "--for", resource, "--format", "json", "--show-secrets"], dir);
  if (result.code !== 0) throw new Error(`parity env failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string>;
}

interface Recorded {
  pid: number;
  startTicks: number;
}

/** The process parity recorded for a resource in `.parity/state.json`. */
export function recordedProcess(dir: string, name: string): Recorded | undefined {
  const path = join(dir, ".parity", "state.json");
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, "utf8")) as {
    resources: Record<string, { process?: Recorded }>;
  };
  return state.resources[name]?.process;
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

/** Waits for a condition, polling, and fails with `what` when the deadline passes. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`,
  );
}

export interface Response {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** One HTTP exchange; the body parsed as JSON when it is JSON. */
export async function http(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the caller looks at `text`
  }
  return { status: res.status, headers: res.headers, body, text };
}

export function postJson(url: string, value: unknown): Promise<Response> {
  return http(url, {
    method: "POST",
    body: typeof value === "string" ? value : JSON.stringify(value),
    headers: { "content-type": "application/json" },
  });
}

/** `npm run build` (tsc) in `dir`: dist/ as the image's build stage makes it. */
export function build(dir: string): CliResult {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: dir,
    encoding: "utf8",
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the example's programs in `cwd` with exactly `env` (plus PATH): nothing leaks in
 * from the test's own environment.
 */
export function runProgram(
  program: "server" | "worker" | "migrate" | "seed",
  env: Record<string, string>,
  cwd = EXAMPLE,
  options: { built?: boolean; timeoutMs?: number } = {},
): Promise<Exited> {
  const { built = false, timeoutMs = 30_000 } = options;
  // From TypeScript source as the local target runs it, or from dist/ as the image does.
  const args = built ? [`dist/${program}.js`] : ["--import", "tsx", `src/${program}.ts`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${program} did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
