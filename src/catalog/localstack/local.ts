import { ensureBuckets, ensureQueues, ensureTables } from "../aws.js";
import type { LocalRecipe } from "../kind.js";
import { motoDistribution } from "./distribution.js";

/**
 * moto's server standing in for LocalStack on this machine: the same AWS APIs on one port, every
 * service at once, state in memory only (the spec's resources are created again at each start).
 */
export const localstackLocal: LocalRecipe = {
  distribution: motoDistribution,
  substitute:
    "moto's server stands in for LocalStack here (same AWS APIs, in memory: state is not kept across restarts)",
  binaries: ["moto_server"],
  searchDirs: () => [],
  // The build's folder is its version: .../moto/5.2.6/bin/moto_server.
  versionProbe: { bin: "moto_server", pattern: /moto\/(\d+(?:\.\d+)*)\/bin\// },
  unprivileged: false,
  extraPorts: () => ({}),
  files: () => [],
  init: () => [],
  server: (ctx) => ({ bin: "moto_server", args: ["-H", "127.0.0.1", "-p", String(ctx.port)] }),
  async ready(ctx) {
    const endpoint = {
      endpoint: `http://127.0.0.1:${ctx.port}`,
      accessKey: ctx.stack,
      secretKey: ctx.password,
    };
    const { buckets = [], queues = [], tables = [] } = ctx.spec;
    // One signed round trip even when the spec names nothing, so ready means it answers.
    await ensureBuckets(endpoint, buckets);
    if (queues.length) await ensureQueues(endpoint, queues);
    if (tables.length) await ensureTables(endpoint, tables);
  },
  stopSignal: "SIGTERM",
  strays: () => [],
};
