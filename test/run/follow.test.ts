import { appendFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { warnsOrFails } from "../../src/cli/commands/up.js";
import { followLogs } from "../../src/cli/follow.js";
import { RUN_HEADER } from "../../src/run/local/log-tail.js";
import { tempDir, waitUntil } from "../helpers/run-fakes.js";

const INTERVAL = 10;

let dir: string;
let remove: () => void;
let stops: Array<() => void>;
let lines: string[];
let db: string;
let web: string;

beforeEach(() => {
  ({ dir, remove } = tempDir("follow"));
  stops = [];
  lines = [];
  db = join(dir, "db.log");
  web = join(dir, "web-app.log");
});

afterEach(() => {
  try {
    for (const stop of stops.splice(0)) stop();
  } finally {
    remove();
  }
});

type FollowOptions = NonNullable<Parameters<typeof followLogs>[2]>;

function follow(options: FollowOptions = {}, out = lines): () => void {
  const stop = followLogs(
    [
      { name: "db", path: db },
      { name: "web-app", path: web },
    ],
    (line) => out.push(line),
    { intervalMs: INTERVAL, ...options },
  );
  stops.push(stop);
  return stop;
}

const printed = (line: string) => () => lines.includes(line);

describe("followLogs", () => {
  it("prints lines appended after it started, prefixed with the padded resource name", async () => {
    writeFileSync(db, "from an earlier run\n");
    writeFileSync(web, "listening\n");
    follow();
    appendFileSync(db, "checkpoint complete\nready to accept connections\n");
    await waitUntil(printed("db      | ready to accept connections"), "the db lines");
    appendFileSync(web, "GET /readyz 200\n");
    await waitUntil(printed("web-app | GET /readyz 200"), "the web line");
    expect(lines).toEqual([
      "db      | checkpoint complete",
      "db      | ready to accept connections",
      "web-app | GET /readyz 200",
    ]);
  });

  it("prints what the files already hold with from: start", () => {
    writeFileSync(db, "one\ntwo\n");
    writeFileSync(web, "three\n");
    follow({ from: "start" });
    // The first read happens at once, before followLogs returns.
    expect(lines).toEqual(["db      | one", "db      | two", "web-app | three"]);
  });

  it("starts at the end by default, and at the end with from: end", () => {
    writeFileSync(db, "old\n");
    writeFileSync(web, "old too\n");
    follow();
    follow({ from: "end" });
    expect(lines).toEqual([]);
  });

  it("starts at the last run's header with from: lastRun", () => {
    writeFileSync(
      db,
      `${RUN_HEADER}2025-01-01T00:00:00.000Z postgres\nfirst run\n` +
        `${RUN_HEADER}2025-01-02T00:00:00.000Z postgres\nsecond run\n`,
    );
    writeFileSync(web, "no header at all\n");
    follow({ from: "lastRun" });
    expect(lines).toEqual([
      `db      | ${RUN_HEADER}2025-01-02T00:00:00.000Z postgres`,
      "db      | second run",
      "web-app | no header at all",
    ]);
  });

  it("holds a partial last line until its end arrives", async () => {
    writeFileSync(db, "");
    writeFileSync(web, "");
    follow();
    appendFileSync(db, "half a li");
    appendFileSync(web, "marker\n");
    // One poll reads db, then web: once web's line is out, db's partial line has been read.
    await waitUntil(printed("web-app | marker"), "the web marker");
    expect(lines).toEqual(["web-app | marker"]);
    appendFileSync(db, "ne\nand a whole one\n");
    await waitUntil(printed("db      | and a whole one"), "the db lines");
    expect(lines).toEqual([
      "web-app | marker",
      "db      | half a line",
      "db      | and a whole one",
    ]);
  });

  it("does not print an unfinished last line, not even at stop", () => {
    writeFileSync(db, "");
    const stop = follow();
    appendFileSync(db, "complete\nincomplete");
    stop();
    expect(lines).toEqual(["db      | complete"]);
  });

  it("reads a truncated file again from its start", async () => {
    writeFileSync(db, "an old line that is long\nand another\n");
    writeFileSync(web, "");
    follow();
    truncateSync(db, 0);
    appendFileSync(db, "fresh\n");
    await waitUntil(printed("db      | fresh"), "the line after truncation");
    appendFileSync(db, "and more\n");
    await waitUntil(printed("db      | and more"), "the next line");
    expect(lines).toEqual(["db      | fresh", "db      | and more"]);
  });

  it("follows a file that appears after it started, from its start", async () => {
    writeFileSync(web, "");
    follow();
    writeFileSync(db, "created late\n");
    await waitUntil(printed("db      | created late"), "the new file's line");
    expect(lines).toEqual(["db      | created late"]);
  });

  it("reads once more on stop, then never again", async () => {
    writeFileSync(db, "");
    writeFileSync(web, "");
    const stop = follow();
    appendFileSync(db, "last words\n");
    stop();
    expect(lines).toEqual(["db      | last words"]);

    // A second follower, still running, shows when later lines have had time to be read.
    const witness: string[] = [];
    follow({}, witness);
    appendFileSync(db, "after stop\n");
    await waitUntil(() => witness.includes("db      | after stop"), "the witness");
    appendFileSync(db, "after stop, again\n");
    await waitUntil(() => witness.includes("db      | after stop, again"), "the witness");
    expect(lines).toEqual(["db      | last words"]);
  });
});

describe("followLogs: what a foreground up shows", () => {
  it("keeps only the lines a file's filter accepts, and colours prefixes when asked", async () => {
    writeFileSync(db, "");
    writeFileSync(web, "");
    const stop = followLogs(
      [
        { name: "db", path: db, only: warnsOrFails },
        { name: "web-app", path: web },
      ],
      (line) => lines.push(line),
      { intervalMs: INTERVAL, colour: true },
    );
    stops.push(stop);
    appendFileSync(db, "LOG:  checkpoint starting\nWARNING:  could not flush\n");
    appendFileSync(web, "GET /readyz 200\n");
    await waitUntil(() => lines.length === 2, "two lines");
    stop();
    expect(lines).toEqual([
      "\x1b[36mdb      |\x1b[0m WARNING:  could not flush",
      "\x1b[33mweb-app |\x1b[0m GET /readyz 200",
    ]);
  });

  it("tells a server's warnings and failures from its boot chatter", () => {
    const loud = [
      "2026-12-08 01:00:00.000 UTC [42] WARNING:  could not open statistics file",
      '2026-12-08 01:00:00.000 UTC [42] FATAL:  password authentication failed for user "app"',
      '2026-12-08 01:00:00.000 UTC [42] ERROR:  relation "items" does not exist',
      "1234:M 08 Dec 2026 01:00:00.000 # WARNING Memory overcommit must be enabled!",
      "1234:M 08 Dec 2026 01:00:00.000 # Failed to write PID file: Permission denied",
      "2026-12-08 01:00:00.000 [warning] <0.230.0> Free disk space is insufficient",
      "2026-12-08 01:00:00.000 [error] <0.230.0> Error on AMQP connection",
      "[2026-12-08 01:00:00,000] ERROR [KafkaServer id=1] Fatal error during startup",
    ];
    const quiet = [
      "2026-12-08 01:00:00.000 UTC [42] LOG:  database system is ready to accept connections",
      "1234:M 08 Dec 2026 01:00:00.000 * Ready to accept connections tcp",
      "2026-12-08 01:00:00.000 [info] <0.230.0> Server startup complete; 4 plugins started.",
      "[2026-12-08 01:00:00,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
    ];
    expect(loud.filter((l) => !warnsOrFails(l))).toEqual([]);
    expect(quiet.filter(warnsOrFails)).toEqual([]);
  });
});
