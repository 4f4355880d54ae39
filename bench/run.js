// `npm run bench`: runs every benchmark suite and writes bench/results.md (date, machine, numbers).
// Suites measure against a baseline taken in the same run, so ratios hold across machines.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suites } from "./suites/index.js";

const root = join(import.meta.dirname, "..");
execFileSync(process.execPath, [join(root, "scripts/build.js")], { cwd: root, stdio: "inherit" });

const only = process.argv.slice(2);
const sections = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  process.stderr.write(`bench: ${suite.name}\n`);
  sections.push({ name: suite.name, text: await suite.run() });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const stamp = `_Measured ${new Date().toISOString()} on ${machine}._`;
// A run of some suites keeps the other suites' sections from the last full run.
const path = join(import.meta.dirname, "results.md");
const previous = existsSync(path) ? sectionsOf(readFileSync(path, "utf8")) : new Map();
for (const { name, text } of sections) previous.set(name, `${text.trimEnd()}\n\n${stamp}\n`);
const ordered = suites.map((s) => previous.get(s.name)).filter(Boolean);
const report = [
  "# Benchmark results",
  "",
  "Written by `npm run bench`; each section says when and where it was measured.",
  "",
  ...ordered,
].join("\n");
writeFileSync(path, report.trimEnd() + "\n");
process.stdout.write(report + "\n");

/** `## name` sections of a results file, by suite name. */
function sectionsOf(text) {
  const map = new Map();
  for (const part of text.split(/^(?=## )/m).slice(1))
    map.set(part.slice(3, part.indexOf("\n")).trim(), part.trimEnd() + "\n");
  return map;
}
