// `parity check` on the corpus of public repositories in bench/corpus/repos.json, each at its
// pinned commit: recall (the expected findings it reports) and precision (how many of its
// findings are expected ones), per repository and per rule. The repositories are not committed:
// they are read from a git mirror (PARITY_CORPUS_MIRRORS, default /work/.mirror, as
// `<owner>+<name>/repo`), else cloned from GitHub into ~/.cache/parity/corpus once.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fmt } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin/parity.js");
const corpus = JSON.parse(readFileSync(join(root, "bench/corpus/repos.json"), "utf8"));
const mirrors = process.env.PARITY_CORPUS_MIRRORS ?? "/work/.mirror";
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "parity", "corpus");

/** A git directory holding `commit` of `repo`, or why there is none. */
function gitDir(repo, commit) {
  const has = (dir) =>
    spawnSync("git", ["--git-dir", dir, "cat-file", "-e", `${commit}^{commit}`]).status === 0;
  const mirror = join(mirrors, repo.replace("/", "+"), "repo");
  if (existsSync(mirror) && has(mirror)) return { dir: mirror };
  const cloned = join(cache, `${repo.replace("/", "+")}.git`);
  if (!existsSync(cloned)) {
    mkdirSync(cache, { recursive: true });
    const clone = spawnSync(
      "git",
      ["clone", "--bare", "--filter=blob:limit=2m", `https://github.com/${repo}`, cloned],
      { encoding: "utf8", timeout: 300_000 },
    );
    if (clone.status !== 0)
      return { reason: `cannot clone: ${clone.stderr.trim().split("\n").pop()}` };
  }
  if (!has(cloned)) spawnSync("git", ["--git-dir", cloned, "fetch", "origin", commit]);
  return has(cloned) ? { dir: cloned } : { reason: `commit ${commit.slice(0, 12)} not found` };
}

/** The paths of `commit` whose blobs the git directory does not hold. */
function absentBlobs(dir, commit) {
  const tree = execFileSync("git", ["--git-dir", dir, "ls-tree", "-r", "-z", commit], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const blobs = tree
    .split("\0")
    .filter(Boolean)
    .map((entry) => /^\d+ (\w+) (\w+)\t(.*)$/s.exec(entry))
    .filter((m) => m && m[1] === "blob");
  const check = execFileSync("git", ["--git-dir", dir, "cat-file", "--batch-check"], {
    input: blobs.map((m) => m[2]).join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 1 << 28,
  }).split("\n");
  return blobs.filter((_, i) => check[i]?.endsWith(" missing")).map((m) => m[3]);
}

const key = (f) => `${f.rule}\t${f.file}\t${f.line}`;

export async function run() {
  const scratch = mkdtempSync(join(tmpdir(), "parity-bench-corpus-"));
  const byRule = new Map();
  const rule = (id) => {
    if (!byRule.has(id)) byRule.set(id, { tp: 0, fp: 0, fn: 0 });
    return byRule.get(id);
  };
  const rows = [];
  const missing = [];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let time = 0;
  try {
    for (const { repo, commit, expected, traps } of corpus.repos) {
      const git = gitDir(repo, commit);
      if (!git.dir) {
        missing.push(`${repo} (${git.reason})`);
        continue;
      }
      const dir = join(scratch, repo.replace("/", "+"));
      mkdirSync(dir);
      // Blobs a mirror lacks (large files it left out) are excluded: git archive stops at them.
      const absent = absentBlobs(git.dir, commit).map((path) => `:(exclude,literal)${path}`);
      execFileSync(
        "sh",
        [
          "-c",
          'd=$1; shift; git --git-dir="$0" archive "$@" | tar -x -C "$d"',
          git.dir,
          dir,
          commit,
          "--",
          ".",
          ...absent,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      const started = performance.now();
      const check = spawnSync(process.execPath, [bin, "check", "--format", "json", dir], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      });
      time += performance.now() - started;
      if (![0, 1].includes(check.status))
        throw new Error(`${repo}: exit ${check.status} ${check.stderr}`);
      const found = new Set(
        JSON.parse(check.stdout).findings.map((f) =>
          key({ rule: f.ruleId, file: f.file, line: f.line }),
        ),
      );
      const want = new Set(expected.map(key));
      let hits = 0;
      for (const e of expected) {
        if (found.has(key(e))) {
          hits++;
          rule(e.rule).tp++;
        } else rule(e.rule).fn++;
      }
      const extra = [...found].filter((k) => !want.has(k));
      for (const k of extra) rule(k.split("\t")[0]).fp++;
      const trapped = traps.filter((t) => t.line !== undefined && found.has(key(t))).length;
      tp += hits;
      fn += expected.length - hits;
      fp += extra.length;
      rows.push(
        `| ${repo} \`${commit.slice(0, 10)}\` | ${expected.length} | ${hits} | ${found.size} | ${extra.length} | ${trapped} / ${traps.length} |`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : "n/a");
  const rules = [...byRule]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(
      ([id, r]) =>
        `| ${id} | ${r.tp} | ${r.fn} | ${r.fp} | ${pct(r.tp, r.tp + r.fn)} | ${pct(r.tp, r.tp + r.fp)} |`,
    );
  return [
    "## corpus",
    "",
    `\`parity check\` on ${rows.length} public repositories (bench/corpus/repos.json: each pinned ` +
      "to a commit, with the findings a user would want written down and the traps that must stay " +
      "quiet). A finding counts when rule, file and line match an expected one.",
    "",
    `**Recall ${pct(tp, tp + fn)}** (${tp} of ${tp + fn} expected findings reported), ` +
      `**precision ${pct(tp, tp + fp)}** (${tp} of ${tp + fp} findings expected); ` +
      `all repositories checked in ${fmt(time)} (whole processes, one after another).`,
    ...(missing.length ? ["", `Not measured (no copy): ${missing.join(", ")}.`] : []),
    "",
    "| repository | expected | reported of them | findings | not expected | traps hit / traps |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    "| rule | reported | missed | not expected | recall | precision |",
    "|---|---|---|---|---|---|",
    ...rules,
    "",
  ].join("\n");
}
