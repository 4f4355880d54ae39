#!/usr/bin/env node
// Loads the bundled CLI through a V8 code cache: compiling ~1 MB of JavaScript is most of a cold
// start, and the cache skips it. The cache is rebuilt whenever V8 rejects it (new Node, new build).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

// `parity logs | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const file = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "parity.cjs");
if (!existsSync(file)) {
  process.stderr.write("parity is not built: run `npm run build` in its directory\n");
  process.exit(1);
}
const cacheFile = `${file}.cache`;
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));

process.exitCode = await module.exports.main(process.argv);

if (!cachedData || script.cachedDataRejected) {
  try {
    const temp = `${cacheFile}.${process.pid}`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // A read-only install still works, just without the cache.
  }
}
