import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { RUN_HEADER } from "../run/local/log-tail.js";

/** A followed file: `only` keeps the lines it accepts (default: every line). */
export interface FollowedFile {
  name: string;
  path: string;
  only?: (line: string) => boolean;
}

export interface FollowOptions {
  from?: "start" | "end" | "lastRun";
  intervalMs?: number;
  /** Colour each resource's prefix, one colour per file as compose does (a terminal's only). */
  colour?: boolean;
}

/** Compose's palette: cyan, yellow, green, magenta, blue, then the bright ones. */
const COLOURS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/**
 * Follows log files like `tail -f`, prefixing each line with its resource; a file that is
 * truncated or recreated is read again from its start. Returns a function that stops.
 */
export function followLogs(
  files: ReadonlyArray<FollowedFile>,
  write: (line: string) => void,
  options: FollowOptions = {},
): () => void {
  const width = Math.max(0, ...files.map((f) => f.name.length));
  const followed = files.map((f, i) => ({
    ...f,
    prefix: options.colour
      ? `\x1b[${COLOURS[i % COLOURS.length]}m${f.name.padEnd(width)} |\x1b[0m `
      : `${f.name.padEnd(width)} | `,
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
      for (const line of lines) if (!file.only || file.only(line)) write(file.prefix + line);
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
