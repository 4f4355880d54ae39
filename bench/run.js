// `npm run bench`: runs every benchmark suite and writes bench/results.md (date, machine, numbers).
// Suites measure against a baseline taken in the same run, so ratios hold across machines.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { suites } from "./suites/index.js";

const root = join(import.meta.dirname, "..");
execFileSync(process.execPath, [join(root, "scripts/build.js")], { cwd: root, stdio: "inherit" });

const only = process.argv.slice(2);
const sections = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  process.stderr.write(`bench: ${suite.name}\n`);
  sections.push(await suite.run());
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const report = [
  "# Benchmark results",
  "",
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  "",
  `Machine: ${machine}.`,
  "",
  ...sections,
].join("\n");
writeFileSync(join(import.meta.dirname, "results.md"), report + "\n");
process.stdout.write(report + "\n");
