import { spawnSync } from "node:child_process";

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall-clock milliseconds of whole processes, interleaved so that both see the same machine. */
export function timeProcesses(commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(({ args, cwd }, index) => {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { cwd, stdio: "ignore" });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
      times[index].push(ms);
    });
  }
  return times.map(median);
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
