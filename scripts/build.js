// Bundles the CLI into one CommonJS file. One file instead of ~150 modules, plus the V8 code
// cache that bin/parity.js keeps beside it, is what keeps `parity` start-up near `node -e 0`
// (see bench/results.md). Type checking is tsc's job (`npm run typecheck`).
import { build } from "esbuild";

await build({
  // check-worker: the body of `parity check`'s worker threads, started by the bundle from its
  // own directory (src/check/run.ts).
  entryPoints: {
    parity: "src/cli/main.ts",
    lib: "src/index.ts",
    "check-worker": "src/check/worker.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
  // Protocol clients are needed only by `up` and `status`, which import them on demand: left out
  // of the bundle, they cost the other commands nothing.
  external: ["pg", "ioredis", "amqplib", "kafkajs", "@aws-sdk/*", "@kubernetes/client-node"],
  // bin/parity.js runs the bundle through vm.Script, which has no loader for import(): lazy
  // imports become require() calls.
  supported: { "dynamic-import": false },
  // yaml's ES-module build (the same code as its Node build) links without getters, and unlike
  // the Node build it does not read process.env.LOG_TOKENS for every token it parses: YAML
  // parsing, most of `parity check`'s time, is ~12% faster. The one other difference: yaml's own
  // warnings (a collection as a mapping key, converted to JS) go to console.warn rather than
  // process.emitWarning.
  alias: { yaml: "./node_modules/yaml/browser/index.js" },
  logLevel: "warning",
});
