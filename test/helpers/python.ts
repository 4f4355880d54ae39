import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const HERE = join(import.meta.dirname, "..", "python");
const REQUIREMENTS = join(HERE, "requirements.txt");

/**
 * The Python drivers and CLIs of test/python/requirements.txt, installed once with pip into a
 * cache directory named by the file's hash (outside the repository); returns its path.
 */
export function ensurePythonClients(): string {
  const hash = createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex").slice(0, 12);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cache, "parity", "python-clients", hash);
  if (existsSync(dir)) return dir;
  mkdirSync(join(dir, ".."), { recursive: true });
  const work = `${dir}.partial-${process.pid}`;
  const pip = spawnSync(
    "python3",
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "--quiet",
      "--target",
      work,
      "-r",
      REQUIREMENTS,
    ],
    { encoding: "utf8", env: { ...process.env, PIP_ROOT_USER_ACTION: "ignore" } },
  );
  if (pip.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(
      `pip install -r test/python/requirements.txt failed: ${pip.stderr.trim().split("\n").at(-1)}`,
    );
  }
  renameSync(work, dir);
  return dir;
}

/** Runs test/python/clients.py <args> with the given environment; its JSON answer. */
export function pythonClient(site: string, args: string[], env: Record<string, string>): unknown {
  const run = spawnSync("python3", [join(HERE, "clients.py"), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env, PYTHONPATH: site },
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`clients.py ${args.join(" ")}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** A Python CLI of the installed set (the AWS CLI: `awscli`), run as a module. */
export function pythonModule(
  site: string,
  module: string,
  args: string[],
  env: Record<string, string>,
) {
  return spawnSync("python3", ["-m", module, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env, PYTHONPATH: site },
    timeout: 60_000,
  });
}
