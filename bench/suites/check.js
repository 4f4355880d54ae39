import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { anyOf, checkInternals, timeCommands } from "./check-run.js";
import { generateTree } from "./check-tree.js";
import { peerTools } from "./peers.js";
import { fmt } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin/parity.js");
const RUNS = 3;
const FILES = 5000;

/**
 * `parity check` over a large generated repository (5,000 YAML files of manifests, charts and
 * values) against `yamllint -d relaxed` over the same tree, and against the floor: one `grep`
 * through every file for the rules' trigger words, the least any linter that reads them can do.
 */
export async function run() {
  const scratch = mkdtempSync(join(tmpdir(), "parity-bench-check-"));
  try {
    const dir = join(scratch, "repo");
    const tree = generateTree(dir, { target: FILES });
    const { triggers, parallelMinFiles } = checkInternals(root, scratch);
    const cpus = availableParallelism();
    const workers = Math.max(1, cpus - 1);
    // The default ignores a PARITY_CHECK_WORKERS this process may have been given.
    const env = { ...process.env };
    delete env.PARITY_CHECK_WORKERS;
    const parity = (more) => ({
      file: process.execPath,
      args: [bin, "check", "--format", "json", dir],
      ok: [0, 1],
      env: { ...env, ...more },
    });
    const check = parity({});
    const allCores = parity({ PARITY_CHECK_WORKERS: String(workers) });
    const grep = { file: "grep", args: ["-rIn", "-E", anyOf(triggers), dir], ok: [0, 1] };
    // The one `npm run bench:tools` installs, else one on PATH.
    const yamllintPath = peerTools().yamllint.path;
    const yamllint = { file: yamllintPath, args: ["-d", "relaxed", dir], ok: [0, 1] };
    const hasYamllint = yamllintPath !== null;

    // The findings, once (and a warm-up of the page cache and of parity's code cache).
    const once = spawnSync(check.file, check.args, {
      encoding: "utf8",
      maxBuffer: 1 << 28,
      env: check.env,
    });
    if (![0, 1].includes(once.status)) {
      throw new Error(`parity check exited ${once.status}: ${once.stderr}`);
    }
    const result = JSON.parse(once.stdout);
    const byRule = new Map();
    for (const f of result.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    timeCommands([allCores, grep], 1);

    const commands = [check, allCores, grep, ...(hasYamllint ? [yamllint] : [])];
    const [time, timeAll, floor, lint] = timeCommands(commands, RUNS);

    const threads = tree.files > parallelMinFiles ? `${cpus} threads` : "one thread";
    const rows = [
      `| \`parity check --format json\` (default: ${threads} for ${tree.files} files; median of ${RUNS}) | ${fmt(time)} | |`,
      `| the same on all ${cpus} CPUs (\`PARITY_CHECK_WORKERS=${workers}\`: ${workers} worker thread(s) beside the main one) | ${fmt(timeAll)} | |`,
      `| ratio default / all CPUs | ${(time / timeAll).toFixed(2)}× | |`,
    ];
    if (lint !== undefined) {
      const speedup = lint / time;
      rows.push(
        `| \`yamllint -d relaxed\` (median of ${RUNS}) | ${fmt(lint)} | |`,
        `| speed-up check / yamllint | ${speedup.toFixed(1)}× | ≥ 10× ${speedup >= 10 ? "✅" : "❌"} |`,
      );
    } else {
      rows.push(
        "| `yamllint -d relaxed` | skipped: yamllint is not installed | ≥ 10× (not measured) |",
      );
    }
    rows.push(
      `| floor: \`grep -rIn -E\` of the rules' ${triggers.length} trigger words and patterns (median of ${RUNS}) | ${fmt(floor)} | |`,
      `| ratio check / grep (the floor) | ${(time / floor).toFixed(1)}× | |`,
      `| files checked / findings | ${result.summary.filesChecked} / ${result.findings.length} | |`,
    );

    const counts = [...byRule].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ${n}`);
    return [
      "## check",
      "",
      `A generated repository of ${tree.yaml} YAML files and ${tree.files - tree.yaml} others ` +
        `(${(tree.bytes / 2 ** 20).toFixed(1)} MiB): per service, raw manifests (Deployment, Service, ` +
        "ConfigMap, HPA, PDB, NetworkPolicy, StatefulSets of its databases), a kustomize base with " +
        "three overlays, a Helm chart (Chart.yaml, values files, templates) and a Dockerfile; a compose " +
        "file and a Tiltfile per 25 services. A seeded few per cent carries the mistakes the rules report.",
      "",
      ...(hasYamllint
        ? []
        : [
            "**yamllint is not installed, so the comparison with it is skipped:** install it with " +
              "`npm run bench:tools` (or `pip install yamllint`), then run `npm run bench -- check` " +
              "again.",
            "",
          ]),
      "| measure | result | target |",
      "|---|---|---|",
      ...rows,
      "",
      `Findings by rule: ${counts.join(", ")}.`,
      "",
      "Method: the tree is generated with a fixed seed in a temporary directory, removed afterwards. " +
        `Each command is a whole process, run ${RUNS} times interleaved after one warm-up run (page ` +
        "cache and V8 code cache warm), output to /dev/null; the table gives medians of wall-clock " +
        "time. parity check exits 1 when it has findings, yamllint when it finds errors: both count " +
        `as runs. yamllint reads the ${tree.yaml} *.yaml/*.yml files (a Helm template is a syntax ` +
        "error to it, as to any YAML linter). parity check reads every file a rule reads and parses " +
        "a file's YAML only when a rule's trigger words occur in it, once for all its rules (and " +
        "for the rules of other files that look at it); it uses worker threads for runs of more " +
        `than ${parallelMinFiles} files or 8 MiB (\`PARITY_CHECK_WORKERS\` overrides), because below that a ` +
        "worker costs about what it brings on 2 CPUs: the single-threaded run already keeps the " +
        "second CPU partly busy with V8's garbage collector and compiler threads, and a worker " +
        "brings its own. The floor reads every file once and matches the same trigger words " +
        "without parsing anything: no linter that looks at those files can be faster.",
      "",
    ].join("\n");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
