import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { FIXTURES } from "./spec.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "parity.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `parity` binary, as a user would. */
export function parity(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env, PARITY_DEBUG: "" },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh copy of a fixture project in a temp directory. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `parity-${name}-`));
  // mkdtemp makes it private; as root, postgres runs as its own user and must enter it.
  chmodSync(dir, 0o755);
  // A developer's own run of the fixture leaves .parity/ (data, secrets): never part of a copy.
  cpSync(join(FIXTURES, name), dir, {
    recursive: true,
    filter: (source) => !/[/\\](\.parity|node_modules)$/.test(source),
  });
  return dir;
}

/**
 * A copy of one of the examples in a temp directory, with its dependencies (hoisted to the root's
 * node_modules by the workspace) linked in and the spec edited by `replace` (text → text).
 */
export function copyExample(name: string, replace: Record<string, string> = {}): string {
  const root = join(import.meta.dirname, "..", "..");
  const dir = mkdtempSync(join(tmpdir(), `parity-${name}-`));
  chmodSync(dir, 0o755);
  cpSync(join(root, "examples", name), dir, {
    recursive: true,
    filter: (source) => !/[/\\](\.parity|node_modules|dist)$/.test(source),
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  let spec = readFileSync(join(dir, "parity.yaml"), "utf8");
  for (const [from, to] of Object.entries(replace)) {
    if (!spec.includes(from))
      throw new Error(`examples/${name}/parity.yaml has no ${JSON.stringify(from)}`);
    spec = spec.replace(from, to);
  }
  writeFileSync(join(dir, "parity.yaml"), spec);
  return dir;
}

/** Every file below `dir` with its size and mtime, to prove that nothing was written. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const s = statSync(path);
        out[relative(dir, path)] = `${s.size}:${s.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}
