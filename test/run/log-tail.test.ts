import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logTail, RUN_HEADER } from "../../src/run/local/log-tail.js";
import { tempDir } from "../helpers/run-fakes.js";

let dir: string;
let remove: () => void;
let log: string;

beforeEach(() => {
  ({ dir, remove } = tempDir("log-tail"));
  log = join(dir, "x.log");
});
afterEach(() => remove());

describe("logTail", () => {
  it("gives nothing for a missing file", () => {
    expect(logTail(join(dir, "missing.log"))).toEqual([]);
  });

  it("gives the lines after the last run header only", () => {
    writeFileSync(
      log,
      `${RUN_HEADER}2025-01-01T00:00:00Z sh -c old\nold failure\n` +
        `${RUN_HEADER}2025-01-02T00:00:00Z sh -c new\nstarting\nready\n`,
    );
    expect(logTail(log)).toEqual(["starting", "ready"]);
  });

  it("gives the last `lines` lines, the last one even without a newline", () => {
    writeFileSync(log, Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n"));
    expect(logTail(log, 3)).toEqual(["line 27", "line 28", "line 29"]);
    expect(logTail(log)).toHaveLength(20);
  });

  it("gives an empty tail when the process has written nothing since its header", () => {
    writeFileSync(log, `earlier\n${RUN_HEADER}now sh -c quiet\n`);
    expect(logTail(log)).toEqual([]);
  });

  it("reads only the end of a large log", () => {
    writeFileSync(log, `${RUN_HEADER}start\n`);
    appendFileSync(log, "x".repeat(200 * 1024) + "\n");
    appendFileSync(log, "the end\n");
    const tail = logTail(log, 5);
    expect(tail.at(-1)).toBe("the end");
    expect(tail.join("\n").length).toBeLessThanOrEqual(64 * 1024);
  });
});
