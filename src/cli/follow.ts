import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

/**
 * Follows log files like `tail -f`, prefixing each line with its resource; a file that is
 * truncated or recreated is read again from its start. Returns a function that stops.
 */
export function followLogs(
  files: ReadonlyArray<{ name: string; path: string }>,
  write: (line: string) => void,
  options: { fromStart?: boolean; intervalMs?: number } = {},
): () => void {
  const width = Math.max(0, ...files.map((f) => f.name.length));
  const offsets = new Map(
    files.map((f) => [
      f.path,
      options.fromStart || !existsSync(f.path) ? 0 : statSync(f.path).size,
    ]),
  );
  const partial = new Map<string, string>();
  const poll = () => {
    for (const { name, path } of files) {
      if (!existsSync(path)) continue;
      const size = statSync(path).size;
      let offset = offsets.get(path) ?? 0;
      if (size < offset) offset = 0;
      if (size === offset) continue;
      const buffer = Buffer.alloc(size - offset);
      const fd = openSync(path, "r");
      try {
        readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        closeSync(fd);
      }
      offsets.set(path, size);
      const text = (partial.get(path) ?? "") + buffer.toString("utf8");
      const lines = text.split("\n");
      partial.set(path, lines.pop() ?? "");
      for (const line of lines) write(`${name.padEnd(width)} | ${line}`);
    }
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? 200);
  return () => {
    clearInterval(timer);
    poll();
  };
}
