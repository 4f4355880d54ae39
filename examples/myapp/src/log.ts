import { pino, type Logger } from "pino";

export type { Logger };

/** JSON lines on stdout, one logger per program (`myapp`, `myapp-worker`, …). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level });
}
