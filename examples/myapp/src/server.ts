import { buildApp } from "./app.js";
import { Broker } from "./broker.js";
import { createRedis, OrderCache } from "./cache.js";
import { configOrExit } from "./config.js";
import { createPool } from "./db.js";
import { createLogger } from "./log.js";
import { OutboxRelay } from "./outbox.js";
import { onShutdown } from "./shutdown.js";
import { assertTopology } from "./topology.js";

/**
 * The API. It starts even when a dependency is not there yet: /healthz answers at once, /readyz
 * says what is missing, and the clients connect (and reconnect) in the background.
 */
const config = configOrExit("myapp", [
  "DATABASE_URL",
  "REDIS_URL",
  "AMQP_URL",
  "PORT",
  "HOST",
  "LOG_LEVEL",
]);
const log = createLogger("myapp", config.LOG_LEVEL);

const pool = createPool(config.DATABASE_URL, log);
const redis = createRedis(config.REDIS_URL, log);
const cache = new OrderCache(redis);
const broker = new Broker({ url: config.AMQP_URL, name: "myapp", log, setup: assertTopology });
const relay = new OutboxRelay(pool, broker, log);
const app = buildApp({ pool, redis, cache, broker, relay, log });

broker.start();
relay.start();

onShutdown(log, async () => {
  await app.close(); // stops accepting, waits for requests in flight
  await relay.stop();
  await broker.close();
  await redis.quit().catch(() => redis.disconnect());
  await pool.end();
});

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  log.fatal({ err: (error as Error).message }, "cannot listen");
  process.exit(1);
}
