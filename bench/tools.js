// `npm run bench:tools`: installs the linters the `check-peers` suite measures parity check
// against, pinned, outside the repository (~/.cache/parity/bench-tools/), and only what is not
// there yet: run it again and it checks the versions and does nothing.
//
//   yamllint 1.38.0       python3 -m venv …/yamllint; pip install yamllint==1.38.0
//   checkov 3.3.30        python3 -m venv …/checkov;  pip install checkov==3.3.30
//   kube-score v1.20.0    GOBIN=…/bin go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0
//   helm v3.21.4          GOBIN=…/bin go install helm.sh/helm/v3/cmd/helm@v3.21.4
//                         (checkov's helm framework runs `helm template`; without helm on the
//                         PATH it skips every chart, and the comparison would flatter it)
//   kube-linter           not installed: golang.stackrox.io/kube-linter is not served by the Go
//                         module proxy this machine reaches (the package lists say so); the
//                         result is recorded in …/kube-linter.txt for the suite to report.
//
// `node bench/tools.js --force` reinstalls everything. A failed step is reported and the others
// go on; the exit code is 1 when any pinned tool is missing afterwards.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PEER_VERSIONS, peerTools, toolsDir } from "./suites/peers.js";

const force = process.argv.includes("--force");
const dir = toolsDir();
const bin = join(dir, "bin");
mkdirSync(bin, { recursive: true });

function sh(file, args, env = process.env) {
  process.stderr.write(`bench:tools: ${file} ${args.join(" ")}\n`);
  const r = spawnSync(file, args, { stdio: "inherit", env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.status ?? r.signal}`);
}

function venvTool(name, version) {
  const venv = join(dir, name);
  const have = peerTools()[name];
  if (!force && have.path && have.version === version && have.path.startsWith(venv)) {
    process.stderr.write(`bench:tools: ${name} ${version} already in ${venv}\n`);
    return;
  }
  rmSync(venv, { recursive: true, force: true });
  sh("python3", ["-m", "venv", venv]);
  const pip = join(venv, "bin", "pip");
  sh(pip, ["install", "--quiet", "--disable-pip-version-check", `${name}==${version}`]);
}

function goTool(name, pkg, version) {
  const target = join(bin, name);
  if (!force && existsSync(target)) {
    const r = spawnSync("go", ["version", "-m", target], { encoding: "utf8" });
    const mod = /^\s+mod\s+(\S+)\s+(\S+)/m.exec(r.stdout ?? "");
    if (mod && mod[2] === version) {
      process.stderr.write(`bench:tools: ${name} ${version} already in ${bin}\n`);
      return;
    }
  }
  sh("go", ["install", `${pkg}@${version}`], { ...process.env, GOBIN: bin, CGO_ENABLED: "0" });
}

const steps = [
  ["yamllint", () => venvTool("yamllint", PEER_VERSIONS.yamllint)],
  ["checkov", () => venvTool("checkov", PEER_VERSIONS.checkov)],
  [
    "kube-score",
    () =>
      goTool("kube-score", "github.com/zegl/kube-score/cmd/kube-score", PEER_VERSIONS.kubeScore),
  ],
  ["helm", () => goTool("helm", "helm.sh/helm/v3/cmd/helm", PEER_VERSIONS.helm)],
];
const failed = [];
for (const [name, step] of steps) {
  try {
    step();
  } catch (error) {
    failed.push(name);
    process.stderr.write(`bench:tools: ${name} failed: ${error.message}\n`);
  }
}

// kube-linter: its module is not served here (see the header); the suite reports this line.
writeFileSync(
  join(dir, "kube-linter.txt"),
  "not installed: golang.stackrox.io/kube-linter is not served by the Go module proxy this " +
    "machine reaches (listed as not-served, so no install is attempted)\n",
);

const tools = peerTools();
for (const [name, tool] of Object.entries(tools)) {
  process.stderr.write(
    `bench:tools: ${name}: ${tool.path ? `${tool.version} at ${tool.path}` : tool.reason}\n`,
  );
}
process.exitCode = failed.length || !tools.yamllint.path || !tools.checkov.path ? 1 : 0;
