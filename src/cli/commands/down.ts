import { rmSync } from "node:fs";
import { stopAll } from "../../run/local/down.js";
import { localLayout } from "../../run/local/layout.js";
import { StackLock } from "../../run/local/lock.js";
import { systemClock } from "../../run/local/poll.js";
import { StateFile } from "../../run/local/state.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

/**
 * `parity down`: stops what the stack runs, whoever started it: a detached `up`, a foreground `up`
 * in another terminal (asked to stop, then waited for), or what a killed parity left behind.
 * Data stays unless `--volumes`.
 */
export async function downCommand(
  options: { file: string; volumes?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const layout = localLayout(dir);
  const lock = new StackLock(layout.lock);
  const owner = lock.owner();
  if (owner) {
    output.info(`asking parity ${owner.command} (pid ${owner.pid}) to stop the stack…`);
    process.kill(owner.pid, "SIGTERM");
    const deadline = Date.now() + 20_000;
    while (lock.owner() && Date.now() < deadline) await systemClock.sleep(100);
  }
  lock.acquire("down");
  try {
    const outcomes = await stopAll(
      plan,
      layout,
      new StateFile(layout.state, plan.stack),
      systemClock,
    );
    for (const { name, how } of outcomes)
      output.info(`  ${name.padEnd(16)} ${how === "gone" ? "was not running" : how}`);
    if (!outcomes.length) output.info("nothing was running");
    if (options.volumes) {
      rmSync(layout.root + "/data", { recursive: true, force: true });
      output.info("removed the data of every service (.parity/data)");
    }
    return 0;
  } finally {
    lock.release();
  }
}
