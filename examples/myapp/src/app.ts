import { Ajv } from "ajv";
import Fastify, { type FastifyBaseLogger, type FastifyError } from "fastify";
import type pg from "pg";
import type { Redis } from "ioredis";
import type { Broker } from "./broker.js";
import type { OrderCache } from "./cache.js";
import type { Logger } from "./log.js";
import {
  cancelOrder,
  createOrder,
  getOrder,
  listOrders,
  ORDER_STATUSES,
  UnknownSkus,
  type NewOrder,
  type Order,
  type OrderStatus,
} from "./orders.js";
import type { OutboxRelay } from "./outbox.js";
import { problem, sendProblem } from "./problem.js";
import { RequestLog, requestLoggers } from "./request-log.js";

export interface AppDeps {
  pool: pg.Pool;
  redis: Redis;
  cache: OrderCache;
  broker: Broker;
  relay: OutboxRelay;
  log: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const newOrderSchema = {
  type: "object",
  additionalProperties: false,
  required: ["customer", "items"],
  properties: {
    customer: { type: "string", minLength: 1, maxLength: 200 },
    items: {
      type: "array",
      minItems: 1,
      maxItems: 100,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["sku", "quantity"],
        properties: {
          sku: { type: "string", pattern: "^[A-Z0-9][A-Z0-9-]{0,31}$" },
          quantity: { type: "integer", minimum: 1, maximum: 1000 },
        },
      },
    },
  },
} as const;

const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;

const listQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    status: { type: "string", enum: ORDER_STATUSES },
    limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
  },
} as const;

/**
 * Two validators: bodies are JSON and must have the right types ("2" is not a quantity), while
 * query strings and path parameters are text by nature and are coerced (`limit=10`).
 */
function validators() {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: true };
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: true });
  for (const ajv of [body, text]) ajv.addFormat("uuid", UUID);
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === "body" ? body : text).compile(schema);
}

const PARTS: Record<string, string> = {
  body: "request body",
  params: "path parameter",
  querystring: "query string",
  headers: "request header",
};

const DB_UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** Errors that mean a dependency is away (503, try again), rather than a bug (500). */
function unavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string };
  return (
    (e.code !== undefined && DB_UNAVAILABLE.has(e.code)) ||
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(
      e.message ?? "",
    )
  );
}

/** Resolves to "up", or "down: <reason>" when the check fails or takes longer than `ms`. */
async function check(run: () => Promise<unknown>, ms = 2000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
    return "up";
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export function buildApp(deps: AppDeps) {
  const { pool, redis, cache, broker, relay, log } = deps;
  // request.log is a RequestLogger, not a pino Logger: the app sees both as Fastify's logger.
  const loggerInstance: FastifyBaseLogger = log;
  const app = Fastify({
    loggerInstance,
    childLoggerFactory: requestLoggers(log),
    logController: new RequestLog(),
    bodyLimit: 64 * 1024,
    // Stop accepting on close, answer what is in flight, and close idle keep-alive sockets.
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });
  app.setValidatorCompiler(validators());
  // JSON only: anything else is 415 Unsupported Media Type, not a string the schema rejects.
  app.removeContentTypeParser("text/plain");

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, `no route for ${request.method} ${request.url.split("?")[0]}`)),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return sendProblem(
        reply,
        problem(400, `invalid ${PARTS[error.validationContext ?? ""] ?? "request"}`, {
          errors: error.validation.map((v) => ({
            in: error.validationContext,
            pointer: v.instancePath || "/",
            message: v.message,
            ...(v.keyword === "additionalProperties"
              ? { property: (v.params as { additionalProperty?: string }).additionalProperty }
              : {}),
          })),
        }),
      );
    }
    if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY")
      return sendProblem(reply, problem(400, "the request body is not valid JSON"));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, problem(status, error.message));
    if (unavailable(error)) {
      request.log.warn({ err: error.message }, "dependency unavailable");
      reply.header("retry-after", "5");
      return sendProblem(reply, problem(503, "a dependency is unavailable, try again shortly"));
    }
    // Logged with its stack for us; the client gets no details.
    request.log.error({ err: error }, "request failed");
    return sendProblem(reply, problem(500, "an unexpected error occurred"));
  });

  // Probes come every few seconds: their successful requests are not worth a log line each.
  const quiet = { logLevel: "warn" } as const;

  app.get("/healthz", quiet, async () => ({ status: "ok" }));

  app.get("/readyz", quiet, async (_request, reply) => {
    const [postgres, redisState, rabbitmq] = await Promise.all([
      check(() => pool.query("SELECT 1")),
      check(() => redis.ping()),
      check(async () => {
        if (!broker.isOpen()) throw new Error("no open channel");
      }),
    ]);
    const checks = { postgres, redis: redisState, rabbitmq };
    const down = Object.entries(checks).filter(([, state]) => state !== "up");
    if (down.length === 0) return { status: "ready", checks };
    return sendProblem(
      reply,
      problem(503, `not ready: ${down.map(([name]) => name).join(", ")}`, { checks }),
    );
  });

  app.post<{ Body: NewOrder }>(
    "/orders",
    { schema: { body: newOrderSchema } },
    async (request, reply) => {
      let order: Order;
      try {
        order = await createOrder(pool, request.body);
      } catch (error) {
        if (error instanceof UnknownSkus)
          return sendProblem(reply, problem(422, error.message, { unknownSkus: error.skus }));
        throw error;
      }
      relay.kick();
      return reply.code(201).header("location", `/orders/${order.id}`).send(order);
    },
  );

  app.get<{ Querystring: { status?: OrderStatus; limit: number } }>(
    "/orders",
    { schema: { querystring: listQuery } },
    async (request) => ({ orders: await listOrders(pool, request.query) }),
  );

  app.get<{ Params: { id: string } }>(
    "/orders/:id",
    { schema: { params: idParams } },
    async (request, reply) => {
      const id = request.params.id.toLowerCase();
      let cacheState = "miss";
      try {
        const cached = await cache.getJson(id);
        if (cached)
          return reply
            .header("x-cache", "hit")
            .type("application/json; charset=utf-8")
            .send(cached);
      } catch (error) {
        // A cache that is down is skipped, not an error: the database has the answer.
        cacheState = "bypass";
        request.log.warn({ err: (error as Error).message }, "cache read failed");
      }
      const order = await getOrder(pool, id);
      if (!order) return sendProblem(reply, problem(404, `order ${id} does not exist`));
      if (cacheState === "miss") {
        await cache.put(order).catch((error: Error) => {
          request.log.warn({ err: error.message }, "cache write failed");
        });
      }
      return reply.header("x-cache", cacheState).send(order);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/orders/:id/cancel",
    { schema: { params: idParams } },
    async (request, reply) => {
      const id = request.params.id.toLowerCase();
      const result = await cancelOrder(pool, id);
      if (result.outcome === "missing")
        return sendProblem(reply, problem(404, `order ${id} does not exist`));
      if (result.outcome === "changed") {
        // Best effort: if Redis is away, the entry's TTL bounds how long it can be stale.
        await cache.invalidate(id, result.version).catch((error: Error) => {
          request.log.warn({ err: error.message }, "cache invalidation failed");
        });
      }
      return (await getOrder(pool, id))!;
    },
  );

  return app;
}
