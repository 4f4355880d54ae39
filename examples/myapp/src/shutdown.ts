import type { Logger } from "./log.js";

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0 (1 if it fails or outlasts `timeoutMs`).
 * A second signal exits at once. Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds
 * (30 s by default) before SIGKILL: the timeout stays below it.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, timeoutMs = 20_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => {
      log.error(`shutdown took longer than ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
