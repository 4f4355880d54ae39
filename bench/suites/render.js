import { cpSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, median, timeProcesses } from "./stats.js";

const root = join(import.meta.dirname, "..", "..");
const require = createRequire(import.meta.url);

/** `parity render` as a whole process against `node -e 0`, and rendering 200 dependencies in-process. */
export async function run() {
  const dir = mkdtempSync(join(tmpdir(), "parity-bench-render-"));
  cpSync(join(root, "test/fixtures/myapp/parity.yaml"), join(dir, "parity.yaml"));
  const bin = join(root, "bin/parity.js");
  // Warm the code cache and the secrets file, as a developer's second render would.
  timeProcesses([{ args: [bin, "render"], cwd: dir }], 2);
  const [node, render] = timeProcesses(
    [
      { args: ["-e", "0"], cwd: dir },
      { args: [bin, "render"], cwd: dir },
    ],
    25,
  );

  const { loadSpec, kindRules, buildPlan, renderAll } = require(join(root, "dist/lib.cjs"));
  const kinds = ["postgres", "redis", "rabbitmq"];
  const services = Array.from(
    { length: 200 },
    (_, i) => `  dep-${i}:\n    kind: ${kinds[i % 3]}\n    forward: ${20000 + i}\n`,
  );
  const spec = `name: big\nservices:\n${services.join("")}apps:\n  web:\n    build: .\n    port: 8080\n    uses: [${Array.from({ length: 200 }, (_, i) => `dep-${i}`).join(", ")}]\n`;
  const secrets = { get: (key) => `bench-${key}` };
  const once = () => renderAll(buildPlan(loadSpec(spec, "parity.yaml", kindRules), secrets));
  for (let i = 0; i < 5; i++) once();
  const times = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    once();
    times.push(performance.now() - start);
  }
  const big = median(times);
  const ratio = render / node;
  return [
    "## render",
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| \`node -e 0\` (median of 25) | ${fmt(node)} | |`,
    `| \`parity render\`, myapp spec, whole process (median of 25) | ${fmt(render)} | |`,
    `| ratio render / node start-up | ${ratio.toFixed(2)}× | ≤ 3× ${ratio <= 3 ? "✅" : "❌"} |`,
    `| load + plan + render of 200 dependencies, in-process (median of 30) | ${fmt(big)} | < 200 ms ${big < 200 ? "✅" : "❌"} |`,
    "",
  ].join("\n");
}
