// Helpers of the `check` suite: timing arbitrary commands, and the rules' trigger words.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { median } from "./stats.js";

const require = createRequire(import.meta.url);

/** Whether `command` is on the PATH. */
export function installed(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * Wall-clock milliseconds (median of `runs`) of whole commands, interleaved so that all see the
 * same machine. A command is `{ file, args, ok }`: `ok` lists the exit codes that count as a run
 * (a linter exits 1 when it finds something), `env` the whole environment (default: this
 * process's). Output goes to /dev/null.
 */
export function timeCommands(commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(({ file, args, ok = [0], env }, index) => {
      const start = process.hrtime.bigint();
      const result = spawnSync(file, args, { stdio: "ignore", env: env ?? process.env });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.error) throw result.error;
      if (!ok.includes(result.status)) {
        throw new Error(`${file} ${args.join(" ")} exited ${result.status ?? result.signal}`);
      }
      times[index].push(ms);
    });
  }
  return times.map(median);
}

/**
 * What the suite needs of parity check's source (the published library does not export it):
 * every rule's trigger words and patterns, and the run size from which it uses worker threads.
 */
export function checkInternals(root, scratch) {
  const entry = join(scratch, "internals.ts");
  const out = join(scratch, "internals.cjs");
  writeFileSync(
    entry,
    `export { RULES } from ${JSON.stringify(join(root, "src/check/rules/index.ts"))};\n` +
      `export { PARALLEL_MIN_FILES } from ${JSON.stringify(join(root, "src/check/run.ts"))};\n`,
  );
  buildSync({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "warning",
  });
  try {
    const { RULES, PARALLEL_MIN_FILES } = require(out);
    const seen = new Map();
    for (const trigger of RULES.flatMap((rule) => rule.triggers ?? [])) {
      seen.set(
        typeof trigger === "string" ? trigger : `/${trigger.source}/${trigger.flags}`,
        trigger,
      );
    }
    return { triggers: [...seen.values()], parallelMinFiles: PARALLEL_MIN_FILES };
  } finally {
    rmSync(entry, { force: true });
    rmSync(out, { force: true });
  }
}

/**
 * A GNU extended regular expression that matches where any trigger does: a word literally, a
 * pattern as it is (the rules' patterns use only what ERE has: groups, alternatives, classes,
 * `\\b`, `\\w`; a case-insensitive one gets `[xX]` for each letter), except that a leading
 * condition (`^(?=…)[\\s\\S]*?`, "only in a text that also has …") is left out, which ERE
 * cannot say: the floor then matches a little more, never less.
 */
export function anyOf(triggers) {
  return triggers
    .map((t) => (typeof t === "string" ? t.replace(/[.[\]()*+?{}|^$\\]/g, "\\$&") : ere(t)))
    .join("|");
}

function ere(pattern) {
  let source = pattern.source;
  if (source.startsWith("^(?=")) {
    let depth = 0;
    let end = 1;
    for (; end < source.length; end++) {
      if (source[end] === "\\") end++;
      else if (source[end] === "(") depth++;
      else if (source[end] === ")" && --depth === 0) break;
    }
    source = source.slice(end + 1).replace(/^\[\\s\\S\]\*\?/, "");
  }
  if (/\(\?[=!<]/.test(source)) throw new Error(`no lookaround in ERE: ${pattern}`);
  source = source.replaceAll("(?:", "(");
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      const next = source[++i];
      out += next === "/" ? "/" : `\\${next}`;
    } else if (pattern.flags.includes("i") && /[a-z]/i.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else out += c;
  }
  return out;
}
