import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localLayout } from "../local/layout.js";
import type { Clock } from "../local/poll.js";
import { isAlive, spawnLogged, type ProcessIdentity } from "../local/proc.js";
import { stopGroup } from "../local/stop.js";

/** Where the detached forwarder of a project records itself; its log is `logs/cluster-forward.log`. */
function recordPath(projectDir: string): string {
  return join(localLayout(projectDir).root, "cluster-forward.json");
}

export function forwarderLog(projectDir: string): string {
  return localLayout(projectDir).log("cluster-forward");
}

/** The running detached forwarder, if any. */
export function runningForwarder(projectDir: string): ProcessIdentity | undefined {
  const path = recordPath(projectDir);
  if (!existsSync(path)) return undefined;
  const identity = JSON.parse(readFileSync(path, "utf8")) as ProcessIdentity;
  return isAlive(identity) ? identity : undefined;
}

/** Stops the detached forwarder of a project; true when one was running. */
export async function stopForwarder(projectDir: string, clock: Clock): Promise<boolean> {
  const identity = runningForwarder(projectDir);
  rmSync(recordPath(projectDir), { force: true });
  if (!identity) return false;
  await stopGroup(identity, "SIGTERM", clock, 5000);
  return true;
}

/**
 * `up --detach` on the cluster target: a parity process of its own holds the port forwards after
 * `up` returns (`parity down --target cluster` stops it). It is this same CLI, run with the
 * hidden `forward` command and the same cluster flags.
 */
export function startForwarder(
  projectDir: string,
  argv: { bin: string; file: string; args: string[] },
): ProcessIdentity {
  const log = forwarderLog(projectDir);
  mkdirSync(join(localLayout(projectDir).root, "logs"), { recursive: true });
  const spawned = spawnLogged({
    command: process.execPath,
    args: [argv.bin, "--file", argv.file, "forward", "--target", "cluster", ...argv.args],
    env: process.env,
    cwd: projectDir,
    logPath: log,
    outlive: true,
  });
  writeFileSync(recordPath(projectDir), JSON.stringify(spawned.identity));
  return spawned.identity;
}
