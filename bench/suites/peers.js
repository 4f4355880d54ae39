// The linters the `check-peers` suite compares parity check with, as `npm run bench:tools`
// (bench/tools.js) installs them under ~/.cache/parity/bench-tools/.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The pinned versions bench/tools.js installs (checked against the package lists). */
export const PEER_VERSIONS = {
  yamllint: "1.38.0",
  checkov: "3.3.30",
  kubeScore: "v1.20.0",
  helm: "v3.21.4",
};

/** Where bench/tools.js installs them. */
export function toolsDir() {
  return join(homedir(), ".cache", "parity", "bench-tools");
}

const HOW = "install it with `npm run bench:tools`";

/** A Python tool in its own venv: its console script, and the version pip recorded. */
function venvTool(name, script = name) {
  const venv = join(toolsDir(), name);
  const path = join(venv, "bin", script);
  if (!existsSync(path)) return null;
  const lib = join(venv, "lib");
  for (const python of existsSync(lib) ? readdirSync(lib) : []) {
    const site = join(lib, python, "site-packages");
    const info = existsSync(site)
      ? readdirSync(site).find((f) => f.startsWith(`${name}-`) && f.endsWith(".dist-info"))
      : undefined;
    if (info) return { path, version: info.slice(name.length + 1, -".dist-info".length) };
  }
  return { path, version: "unknown" };
}

/** A Go binary in …/bin: its main module's version, from the build info. */
function goTool(name) {
  const path = join(toolsDir(), "bin", name);
  if (!existsSync(path)) return null;
  const r = spawnSync("go", ["version", "-m", path], { encoding: "utf8" });
  const mod = /^\s+mod\s+(\S+)\s+(\S+)/m.exec(r.stdout ?? "");
  return { path, version: mod ? mod[2] : "unknown" };
}

/** A tool on the PATH (a fallback for yamllint, which Debian also packages). */
function onPath(command, versionArgs, pattern) {
  const which = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  if (which.status !== 0) return null;
  const path = which.stdout.trim();
  const v = spawnSync(path, versionArgs, { encoding: "utf8" });
  const m = pattern.exec(`${v.stdout ?? ""}${v.stderr ?? ""}`);
  return { path, version: m ? m[1] : "unknown" };
}

/**
 * The peer linters: each `{ path, version }`, or `{ path: null, reason }` saying why it is
 * missing and how to install it. `env` is the environment to run them in: the tools' bin on the
 * PATH first (checkov's helm framework finds `helm` there).
 */
export function peerTools() {
  const missing = (what) => ({ path: null, reason: `${what} is not installed: ${HOW}` });
  const kubeLinterNote = join(toolsDir(), "kube-linter.txt");
  return {
    yamllint:
      venvTool("yamllint") ??
      onPath("yamllint", ["--version"], /yamllint (\S+)/) ??
      missing("yamllint"),
    checkov: venvTool("checkov") ?? missing("checkov"),
    kubeScore: goTool("kube-score") ?? missing("kube-score"),
    helm: goTool("helm") ?? missing("helm (for checkov's helm framework)"),
    kubeLinter: {
      path: null,
      reason: existsSync(kubeLinterNote)
        ? readFileSync(kubeLinterNote, "utf8").trim()
        : "not installed: golang.stackrox.io/kube-linter is not served by the Go module proxy here",
    },
  };
}

/** The environment to run the peers in: the tools' bin first on the PATH. */
export function peerEnv(base = process.env) {
  return { ...base, PATH: `${join(toolsDir(), "bin")}:${base.PATH ?? ""}` };
}
