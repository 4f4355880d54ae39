import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discover } from "../../src/check/discover.js";
import { runCheck, type RunOptions } from "../../src/check/index.js";
import { PARALLEL_MIN_FILES, scanRun, type ParallelOptions } from "../../src/check/run.js";
import { formatJson } from "../../src/check/reporters/json.js";
import { formatSarif } from "../../src/check/reporters/sarif.js";

const root = join(import.meta.dirname, "..", "..");
const FIXTURES = join(root, "test", "fixtures", "check");
/** Built by the global setup, as the CLI runs it. */
const WORKER = join(root, "dist", "check-worker.cjs");
const BIN = join(root, "bin", "parity.js");

const fixtures = readdirSync(FIXTURES).filter((name) =>
  statSync(join(FIXTURES, name)).isDirectory(),
);
const scratch = mkdtempSync(join(tmpdir(), "parity-check-parallel-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The whole result, as every reporter sees it (the absolute root aside). */
function outputs(dir: string, options: RunOptions) {
  const result = runCheck(dir, options);
  return { result, json: formatJson(result), sarif: formatSarif(result, { version: "0" }) };
}

const single = (dir: string) => outputs(dir, { workers: 0 });
/** Two worker threads and an idle main thread: every file is scanned off the main thread. */
const workers = (dir: string) =>
  outputs(dir, { workers: 2, workerFile: WORKER, mainThread: false });
/** One worker beside the main thread, both taking chunks. */
const shared = (dir: string) => outputs(dir, { workers: 1, workerFile: WORKER });

/**
 * A scan split across worker threads (PARITY_CHECK_WORKERS, or the run's default) must report
 * exactly what one thread reports: same findings in the same order, same notes, same counts.
 */
describe("a parallel scan", () => {
  it.each(fixtures)("of the %s fixture equals the single-threaded scan", (name) => {
    const dir = join(scratch, name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    const one = single(dir);
    expect(one.result.findings.length).toBeGreaterThan(0);
    for (const many of [workers(dir), shared(dir)]) {
      expect(many.result).toEqual(one.result);
      expect(many.json).toBe(one.json);
      expect(many.sarif).toBe(one.sarif);
    }
  });

  it("of a fixture in a git work tree (untracked files) equals the single-threaded scan", () => {
    const dir = join(scratch, "git");
    cpSync(join(FIXTURES, "raw-manifests-compose"), dir, { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("rm", "-q", "--cached", "docker-compose.override.yml");
    const one = single(dir);
    expect(one.result.findings.some((f) => f.file === "docker-compose.override.yml")).toBe(false);
    expect(workers(dir).json).toBe(one.json);
  });

  // Every fixture 12 times over, side by side: many chunks of several directories go to each
  // thread, and repository-wide rules see all copies.
  const big = join(scratch, "monorepo");
  for (let i = 0; i < 12; i++) {
    for (const name of fixtures)
      cpSync(join(FIXTURES, name), join(big, `copy-${i}`, name), { recursive: true });
  }

  it("of a large repository equals the single-threaded scan", () => {
    const one = single(big);
    expect(one.result.filesChecked).toBeGreaterThan(500);
    expect(workers(big).json).toBe(one.json);
    expect(shared(big).json).toBe(one.json);
  });

  it("runs on the workers it is given", () => {
    const { files } = discover(realpathSync(big), []);
    const run = (options: ParallelOptions) => scanRun(realpathSync(big), files, new Map(), options);
    expect(run({ workers: 2, workerFile: WORKER, mainThread: false }).workers).toBe(2);
    expect(run({ workers: 0, workerFile: WORKER }).workers).toBe(0);
    // By default, only a run of more than PARALLEL_MIN_FILES files is worth a worker.
    expect(files.length).toBeLessThan(PARALLEL_MIN_FILES);
    expect(run({ workerFile: WORKER }).workers).toBe(0);
    // No worker script (as under the test runner, which does not run the bundle): one thread.
    expect(run({ workers: 2 }).workers).toBe(0);
  });

  it("through the CLI (PARITY_CHECK_WORKERS, the bundled worker) equals the single-threaded scan", () => {
    const cli = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, "check", "--format", "json", big], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
        env: { ...process.env, ...env },
      });
    const one = cli({ PARITY_CHECK_WORKERS: "0" });
    expect(one.status).toBe(1);
    expect(one.stdout).toBe(single(big).json + "\n");
    for (const env of [{ PARITY_CHECK_WORKERS: "1" }, { PARITY_CHECK_WORKERS: "2" }]) {
      const many = cli(env);
      expect({ status: many.status, stderr: many.stderr }).toEqual({ status: 1, stderr: "" });
      expect(many.stdout).toBe(one.stdout);
    }
  });
});
