import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { RUN_HEADER } from "../run/local/log-tail.js";

/**
 * Follows log files like `tail -f`, prefixing each line with its resource; a file that is
 * truncated or recreated is read again from its start. Returns a function that stops.
 */
export function followLogs(
  files: ReadonlyArray<{ name: string; path: string }>,
  write: (line: string) => void,
  options: { from?: "start" | "end" | "lastRun"; intervalMs?: number } = {},
): () => void {
  const width = Math.max(0, ...files.map((f) => f.name.length));
  const followed = files.map((f) => ({
    ...f,
    offset: startOffset(f.path, options.from ?? "end"),
    inode: inodeOf(f.path),
    partial: "",
    // One decoder per file: a character split between two reads stays whole.
    decoder: new StringDecoder("utf8"),
  }));
  const poll = () => {
    for (const file of followed) {
      let stat;
      try {
        stat = statSync(file.path);
      } catch {
        continue; // not there (yet, or any more)
      }
      if (stat.size < file.offset || stat.ino !== file.inode) {
        Object.assign(file, {
          offset: 0,
          inode: stat.ino,
          partial: "",
          decoder: new StringDecoder("utf8"),
        });
      }
      if (stat.size === file.offset) continue;
      const buffer = Buffer.alloc(stat.size - file.offset);
      const fd = openSync(file.path, "r");
      try {
        readSync(fd, buffer, 0, buffer.length, file.offset);
      } finally {
        closeSync(fd);
      }
      file.offset = stat.size;
      const lines = (file.partial + file.decoder.write(buffer)).split("\n");
      file.partial = lines.pop() ?? "";
      for (const line of lines) write(`${file.name.padEnd(width)} | ${line}`);
    }
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? 200);
  return () => {
    clearInterval(timer);
    poll();
  };
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Where following starts: the whole file, its end, or the last line parity wrote when it started the process. */
function startOffset(path: string, from: "start" | "end" | "lastRun"): number {
  if (from === "start" || !existsSync(path)) return 0;
  if (from === "end") return statSync(path).size;
  const text = readFileSync(path);
  const at = text.lastIndexOf(`\n${RUN_HEADER}`);
  return at < 0 ? 0 : at + 1;
}
