import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import type { CliResult } from "./cli.js";
import { helmBinary } from "./helm.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "parity.js");

/** The running testbed; throws (failing the test, never skipping it) when it could not start. */
export function testbed(): { kubeconfig: string; dir: string; server: string; kubectl: string } {
  const context = inject("testbed");
  if (!context.ok) throw new Error(`the Kubernetes testbed did not start: ${context.reason}`);
  return context;
}

/** A project directory holding `yaml` as its parity.yaml. */
export function clusterProject(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-cluster-"));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "parity.yaml"), yaml);
  return dir;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KUBECONFIG: testbed().kubeconfig,
    PARITY_HELM: helmBinary(),
    PARITY_DEBUG: "",
    CI: "1",
    ...extra,
  };
}

/** `parity ARGS` against the testbed (its kubeconfig in $KUBECONFIG), as a user runs it. */
export function parityOnCluster(
  args: string[],
  cwd: string,
  extra: Record<string, string> = {},
): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: env(extra),
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking: for what a test does while parity runs. */
export function parityOnClusterAsync(
  args: string[],
  cwd: string,
  onStderr: (text: string) => void = () => {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: env({}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr(stderr);
    });
    child.once("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** kubectl of the testbed's release, as the admin. */
export function kubectl(args: string[], input?: string): CliResult {
  const bed = testbed();
  const result = spawnSync(bed.kubectl, ["--kubeconfig", bed.kubeconfig, ...args], {
    encoding: "utf8",
    ...(input !== undefined ? { input } : {}),
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A kubectl JSON answer. */
export function kubectlJson<T = { items: Array<Record<string, unknown>> }>(args: string[]): T {
  const result = kubectl([...args, "-o", "json"]);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** The lines of parity's plain progress output (no TTY), as `name phase` pairs in order. */
export function progress(stderr: string): Array<{ name: string; what: string }> {
  return stderr
    .split("\n")
    .map((l) => /^\s*\d+\.\ds\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, what: m[2]! }));
}
