import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON lines on stdout, one logger per program (`myapp`, `myapp-worker`, …). Lines are written
 * asynchronously (no blocking write() on the request path) but at once, so `parity logs -f`
 * shows them as they happen; what is still pending is written synchronously at exit.
 */
export function createLogger(name: string, level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false });
  process.once("exit", () => destination.flushSync());
  return pino({ name, level }, destination);
}
