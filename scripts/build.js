// Bundles the CLI into one CommonJS file. One file instead of ~150 modules, plus the V8 code
// cache that bin/parity.js keeps beside it, is what keeps `parity` start-up near `node -e 0`
// (see bench/results.md). Type checking is tsc's job (`npm run typecheck`).
import { build } from "esbuild";

await build({
  entryPoints: { parity: "src/cli/main.ts", lib: "src/index.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
  // Protocol clients are needed only by `up` and `status`, which import them on demand: left out
  // of the bundle, they cost the other commands nothing.
  external: ["pg", "ioredis", "amqplib"],
  // bin/parity.js runs the bundle through vm.Script, which has no loader for import(): lazy
  // imports become require() calls.
  supported: { "dynamic-import": false },
  logLevel: "warning",
});
