import { join } from "node:path";
import type { LocalRecipe } from "../kind.js";

/** Redis as a process: a config file (the password stays off the command line) on 127.0.0.1. */
export const redisLocal: LocalRecipe = {
  package: "redis-server",
  binaries: ["redis-server"],
  searchDirs: () => [],
  versionProbe: { bin: "redis-server", args: ["--version"], pattern: /v=(\d+(?:\.\d+)*)/ },
  unprivileged: false,
  extraPorts: () => ({}),
  files: (ctx) => [
    {
      path: join(ctx.runDir, "redis.conf"),
      content: [
        "bind 127.0.0.1",
        `port ${ctx.port}`,
        "protected-mode yes",
        `requirepass ${ctx.password}`,
        `dir ${ctx.dataDir}`,
        "daemonize no",
        'logfile ""',
        ...(ctx.persistent ? ["appendonly yes"] : ["appendonly no", 'save ""']),
        "",
      ].join("\n"),
    },
  ],
  init: () => [],
  server: (ctx) => ({ bin: "redis-server", args: [join(ctx.runDir, "redis.conf")] }),
  async ready(ctx) {
    const { Redis } = await import("ioredis");
    const client = new Redis({
      host: "127.0.0.1",
      port: ctx.port,
      password: ctx.password,
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on("error", () => {});
    try {
      await client.connect();
      // PONG only: a LOADING error means alive but not ready.
      const reply = await client.ping();
      if (reply !== "PONG") throw new Error(`redis answered ${reply}`);
    } finally {
      client.disconnect();
    }
  },
  stopSignal: "SIGTERM", // redis writes its data and exits
  strays: () => [],
};
