import type { LocalRecipe } from "../kind.js";
import { ensureBuckets, REGION } from "../aws.js";
import { versitygwDistribution } from "./distribution.js";

/** versitygw's health endpoint, on both targets: it answers once the gateway serves. */
export const HEALTH_PATH = "/_health";

/** Versity Gateway as a process: the POSIX back end on the service's data directory, 127.0.0.1 only. */
export const s3Local: LocalRecipe = {
  distribution: versitygwDistribution,
  binaries: ["versitygw"],
  searchDirs: () => [],
  versionProbe: {
    bin: "versitygw",
    args: ["--version"],
    pattern: /Version\s*:\s*v?(\d+(?:\.\d+)*)/,
  },
  unprivileged: false,
  extraPorts: () => ({}),
  files: () => [],
  init: () => [],
  server: (ctx) => ({
    bin: "versitygw",
    args: ["--quiet", "posix", ctx.dataDir],
    env: {
      VGW_PORT: `127.0.0.1:${ctx.port}`,
      VGW_HEALTH: HEALTH_PATH,
      VGW_REGION: REGION,
      ROOT_ACCESS_KEY: ctx.user!,
      ROOT_SECRET_KEY: ctx.password,
    },
  }),
  ready: (ctx) =>
    ensureBuckets(
      { endpoint: `http://127.0.0.1:${ctx.port}`, accessKey: ctx.user!, secretKey: ctx.password },
      ctx.spec.buckets ?? [],
    ),
  stopSignal: "SIGTERM",
  strays: () => [],
};
