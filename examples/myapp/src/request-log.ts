import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { Bindings, ChildLoggerOptions } from "pino";
import type { Logger } from "./log.js";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/**
 * `request.log`: pino's child logger with the request's id, made the first time the request
 * logs something at a level that is on. Fastify makes a child for every request, and a pino
 * child is not free (a new object on the logger's prototype chain, its bindings serialised, more
 * garbage): on the cached read path it cost 1-2 µs of the app's ~32 µs of CPU per request,
 * at a level (info) where almost no request logs anything. The lines are the same as the eager
 * child's: same bindings (`reqId`), same options (a route's `logLevel`), same logger.
 */
export class RequestLogger implements FastifyBaseLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): Logger {
    return (this.made ??= this.parent.child(this.childBindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    if (this.made) return this.made.isLevelEnabled(level);
    const { values } = this.parent.levels;
    const threshold = this.options.level === undefined ? undefined : values[this.options.level];
    const value = values[level];
    return value !== undefined && value >= (threshold ?? this.parent.levelVal);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.isLevelEnabled(level)) (this.logger[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write("fatal", args);
  }

  error(...args: unknown[]): void {
    this.write("error", args);
  }

  warn(...args: unknown[]): void {
    this.write("warn", args);
  }

  info(...args: unknown[]): void {
    this.write("info", args);
  }

  debug(...args: unknown[]): void {
    this.write("debug", args);
  }

  trace(...args: unknown[]): void {
    this.write("trace", args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger.child(bindings, options);
  }

  bindings(): Bindings {
    return this.logger.bindings();
  }
}

/**
 * Fastify's `childLoggerFactory` for an app whose `loggerInstance` is `parent`: RequestLoggers,
 * which make pino's child of `parent` when they are used.
 */
export function requestLoggers(parent: Logger) {
  return (_logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) =>
    new RequestLogger(parent, bindings, options);
}

/**
 * Fastify's own per-request lines, replaced by one line per answered request at debug
 * (LOG_LEVEL=debug shows them); at info the log keeps what needs attention, and access logs are
 * the ingress's job in a cluster. Fastify calls `requestCompleted` for every request anyway, so
 * this needs no onResponse hook, and at info it is one level check. Fastify's other request
 * lines (errors its default handlers log, 404s) stay off: the app's error handler logs what
 * matters.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ disableRequestLogging: true });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    _error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const log = request.log;
    if (log instanceof RequestLogger && !log.isLevelEnabled("debug")) return;
    log.debug(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  }
}
