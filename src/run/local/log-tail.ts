import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The first line parity writes into a log each time it starts the process behind it. */
export const RUN_HEADER = "--- parity: ";

/**
 * The last `lines` lines of a log file (reads at most its last 64 KiB), from the last line that
 * parity wrote when it started the process, so an earlier run's failure is not shown again.
 */
export function logTail(path: string, lines = 20): string[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString("utf8").split("\n");
    if (all.at(-1) === "") all.pop();
    const start = all.findLastIndex((line) => line.startsWith(RUN_HEADER));
    return all.slice(start + 1).slice(-lines);
  } finally {
    closeSync(fd);
  }
}
