import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timeCommands } from "./check-run.js";
import { generateDenseTree } from "./check-dense.js";
import { generateTree } from "./check-tree.js";
import { peerEnv, peerTools } from "./peers.js";
import { fmt } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin/parity.js");
const RUNS = 3;
const DENSE_FILES = 2000;
const TREE_FILES = 5000;
const HOW = "install it with `npm run bench:tools`";

/** Every HTTP(S) request of a peer goes to a closed port on loopback: none leaves the machine. */
const OFFLINE = {
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  https_proxy: "http://127.0.0.1:9",
  http_proxy: "http://127.0.0.1:9",
  ALL_PROXY: "http://127.0.0.1:9",
  // checkov: no policy metadata from the platform, no look-up of a newer checkov.
  BC_SKIP_MAPPING: "TRUE",
  CKV_SKIP_PACKAGE_UPDATE_CHECK: "TRUE",
};

/**
 * `parity check` against the linters people run on Kubernetes repositories, in the same run:
 * yamllint, checkov (its kubernetes and helm frameworks) and kube-score, over a dense tree (every
 * file a multi-doc manifest with images, connection strings and Secrets, so that no prefilter
 * skips one; and Helm charts) and over the `check` suite's generated tree.
 */
export async function run() {
  const scratch = mkdtempSync(join(tmpdir(), "parity-bench-peers-"));
  try {
    const tools = peerTools();
    const env = peerEnv({ ...process.env, ...OFFLINE });
    for (const name of ["NO_PROXY", "no_proxy", "PARITY_CHECK_WORKERS", "PARITY_HELM"]) {
      delete env[name];
    }
    // parity's chart render cache, kept in the scratch directory (not the user's).
    env.XDG_CACHE_HOME = join(scratch, "cache");

    const denseDir = join(scratch, "dense");
    const dense = generateDenseTree(denseDir, { files: DENSE_FILES });
    const treeDir = join(scratch, "tree");
    const tree = generateTree(treeDir, { target: TREE_FILES });
    const treeManifests = spawnSync(
      "find",
      [treeDir, "-path", "*/k8s/*.yaml", "!", "-name", "kustomization.yaml"],
      { encoding: "utf8" },
    )
      .stdout.split("\n")
      .filter(Boolean)
      .sort();

    const sections = [
      measure({
        title: `dense tree: ${dense.files} files, ${mib(dense.bytes)} MiB`,
        dir: denseDir,
        manifests: dense.manifestPaths.map((p) => join(denseDir, p)),
        tools,
        env,
        scratch,
      }),
      measure({
        title: `the \`check\` suite's tree: ${tree.files} files (${tree.yaml} YAML), ${mib(tree.bytes)} MiB`,
        dir: treeDir,
        manifests: treeManifests,
        tools,
        env,
        scratch,
      }),
    ];

    const versions = ["yamllint", "checkov", "kubeScore", "helm"]
      .map(
        (k) =>
          `${k === "kubeScore" ? "kube-score" : k} ${tools[k].path ? tools[k].version : "(missing)"}`,
      )
      .join(", ");
    const missing = Object.entries(tools).filter(([k, t]) => !t.path && k !== "kubeLinter");
    return [
      "## check-peers",
      "",
      "`parity check` against the linters people run on Kubernetes repositories, timed in the same " +
        `run, interleaved, median of ${RUNS} wall-clock runs each, on two trees. The dense tree ` +
        `(${dense.files} files, ${mib(dense.bytes)} MiB) is ${dense.manifests} raw manifests, each a ` +
        "multi-doc file with a Deployment (tagged images, env lists with connection strings such as " +
        "`postgres://app:pw@db:5432/app`, `redis://`, `amqp://`, JDBC URLs), a Service, a ConfigMap, " +
        "a Secret, and one or two StatefulSets of its databases, caches and queues with their " +
        "Services and Secrets (now and then a CronJob): every file has the words of every rule's " +
        `prefilter, so none is skipped unparsed. Beside them, ${dense.charts} Helm charts ` +
        `(${dense.chartFiles} files: Chart.yaml, values files, templates, no dependencies) give ` +
        "checkov's helm framework and parity's chart rendering their work. The second tree is the " +
        `\`check\` suite's (${TREE_FILES} YAML files).`,
      "",
      ...(missing.length
        ? [`**Missing, so not measured:** ${missing.map(([, t]) => t.reason).join("; ")}.`, ""]
        : []),
      ...sections,
      `Versions: ${versions}, Node ${process.version}. kube-linter: ${tools.kubeLinter.reason}.`,
      "",
      "Method: both trees are generated with fixed seeds in a temporary directory, removed " +
        "afterwards. Each command is a whole process with its output to /dev/null, and the " +
        "commands take turns, so that all see the same machine; before the timed runs, one run of " +
        "parity check (which fills the page cache and renders and caches the charts) and one of " +
        "kube-score. All commands get the same environment: the tools' bin (with `helm`, which " +
        "checkov's helm framework and parity's chart rendering both run) first on the PATH, and " +
        "every HTTP(S) proxy variable at a closed port on loopback, so no tool reaches the " +
        "network. `parity check --format json <dir>` is the default run (one thread below " +
        "8,000 files); it renders each chart with `helm template` once and keeps the output in " +
        "its cache (keyed by the chart's content), so the row 'chart cache cold' empties that " +
        "cache before each run, as on a first run or after every chart changed. " +
        "`yamllint -d relaxed <dir>` lints every *.yaml/*.yml file (chart templates are syntax " +
        "errors to it). `checkov -d <dir> --framework kubernetes helm --quiet --compact " +
        "--skip-download --skip-results-upload` with `BC_SKIP_MAPPING=TRUE` and " +
        "`CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE`: checkov renders every chart with `helm template " +
        "--dependency-update` each run (the `check` tree's charts name dependencies that are not " +
        "vendored: helm fails on them at once, offline, and checkov goes on without them). " +
        "`kube-score score <files>` gets the raw manifest files as arguments (not the charts, " +
        "whose templates are not YAML until rendered, nor kustomization files); it scores every " +
        "object, with no prefilter either. Exit code 1 (findings) counts as a run for all four.",
      "",
    ].join("\n");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function mib(bytes) {
  return (bytes / 2 ** 20).toFixed(1);
}

/** The table of one tree. */
function measure({ title, dir, manifests, tools, env, scratch }) {
  const ok = [0, 1];
  const parity = { file: process.execPath, args: [bin, "check", "--format", "json", dir], ok, env };
  const coldCache = join(scratch, "cold-cache");
  const cold = {
    file: "sh",
    args: [
      "-c",
      'rm -rf "$1" && mkdir -p "$1" && XDG_CACHE_HOME="$1" exec "$2" "$3" check --format json "$4"',
      "sh",
      coldCache,
      process.execPath,
      bin,
      dir,
    ],
    ok,
    env,
  };
  mkdirSync(coldCache, { recursive: true });
  const peers = [
    {
      label: "`yamllint -d relaxed`",
      tool: tools.yamllint,
      target: "≥ 10× yamllint",
      meets: (ratio) => ratio >= 10,
      command: (path) => ({ file: path, args: ["-d", "relaxed", dir], ok, env }),
    },
    {
      label: "`checkov --framework kubernetes helm`",
      tool: tools.checkov,
      target: "faster than checkov",
      meets: (ratio) => ratio > 1,
      command: (path) => ({
        file: path,
        args: [
          "-d",
          dir,
          "--framework",
          "kubernetes",
          "helm",
          "--quiet",
          "--compact",
          "--skip-download",
          "--skip-results-upload",
        ],
        ok,
        env,
      }),
    },
    {
      label: `\`kube-score score\` (${manifests.length} raw manifest files)`,
      tool: tools.kubeScore,
      target: "faster than kube-score",
      meets: (ratio) => ratio > 1,
      command: (path) => ({ file: path, args: ["score", ...manifests], ok, env }),
    },
  ];

  // Warm-up: the page cache, V8's code cache, and parity's chart render cache; the findings.
  const once = spawnSync(parity.file, parity.args, { encoding: "utf8", maxBuffer: 1 << 30, env });
  if (!ok.includes(once.status)) {
    throw new Error(`parity check exited ${once.status}: ${once.stderr}`);
  }
  const { summary, findings } = JSON.parse(once.stdout);
  const present = peers.filter((p) => p.tool.path);
  const kubeScore = present.find((p) => p.tool === tools.kubeScore);
  if (kubeScore) timeCommands([kubeScore.command(kubeScore.tool.path)], 1);

  const commands = [parity, cold, ...present.map((p) => p.command(p.tool.path))];
  const [time, coldTime, ...peerTimes] = timeCommands(commands, RUNS);
  const times = (r) => `${r.toFixed(r < 1 ? 2 : 1)}×`;
  const ratio = (t) => times(t / time);
  const rows = [
    `| \`parity check --format json\` (default; ${summary.filesChecked} files checked, ${findings.length} findings) | ${fmt(time)} | 1.0× |`,
    `| the same, chart cache cold (every chart rendered with \`helm template\`) | ${fmt(coldTime)} | ${ratio(coldTime)} |`,
  ];
  const targets = [];
  for (const peer of peers) {
    if (!peer.tool.path) {
      rows.push(`| ${peer.label} | not measured: ${peer.tool.reason} | |`);
      targets.push(`| ${peer.target} | not measured (${HOW}) | |`);
      continue;
    }
    const t = peerTimes[present.indexOf(peer)];
    rows.push(`| ${peer.label} | ${fmt(t)} | ${ratio(t)} |`);
    const r = t / time;
    targets.push(
      `| ${peer.target} | ${times(r)} (cold cache ${times(t / coldTime)}) | ${peer.meets(r) ? "✅" : "❌"} |`,
    );
  }
  return [
    `### ${title}`,
    "",
    `| tool | time (median of ${RUNS}) | × parity's time |`,
    "|---|---|---|",
    ...rows,
    "",
    "| target | tool's time / parity's | met |",
    "|---|---|---|",
    ...targets,
    "",
  ].join("\n");
}
