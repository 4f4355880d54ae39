import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import { Broker } from "./broker.js";
import { createRedis, OrderCache } from "./cache.js";
import { configOrExit } from "./config.js";
import { createPool } from "./db.js";
import { createLogger } from "./log.js";
import { confirmOrder, type OrderCreated } from "./orders.js";
import { onShutdown } from "./shutdown.js";
import { assertTopology, CONFIRM_QUEUE } from "./topology.js";

/**
 * The worker: consumes order.created and confirms the order. Confirming is idempotent (a
 * redelivery changes nothing) and the cache is invalidated before the ack, so an ack means
 * "done"; a failure is requeued after a pause, a malformed message is dead-lettered.
 */
const config = configOrExit("myapp-worker", ["DATABASE_URL", "REDIS_URL", "AMQP_URL", "LOG_LEVEL"]);
const log = createLogger("myapp-worker", config.LOG_LEVEL);

const PREFETCH = 10;
const RETRY_DELAY_MS = 1000;

const pool = createPool(config.DATABASE_URL, log, PREFETCH);
const redis = createRedis(config.REDIS_URL, log);
const cache = new OrderCache(redis);
const inFlight = new Set<Promise<void>>();
let stopping = false;
let consumer: { channel: ConfirmChannel; tag: string } | undefined;

const broker = new Broker({
  url: config.AMQP_URL,
  name: "myapp-worker",
  log,
  async setup(channel) {
    await assertTopology(channel);
    if (stopping) return;
    await channel.prefetch(PREFETCH);
    const { consumerTag } = await channel.consume(CONFIRM_QUEUE, (message) => {
      // The broker cancelled us (the queue was deleted): a new channel declares it and consumes.
      if (!message) return void channel.close().catch(() => {});
      const work = handle(channel, message).finally(() => inFlight.delete(work));
      inFlight.add(work);
    });
    consumer = { channel, tag: consumerTag };
  },
});

function parse(message: ConsumeMessage): OrderCreated | undefined {
  try {
    const event = JSON.parse(message.content.toString("utf8")) as Partial<OrderCreated>;
    return typeof event.id === "string" && /^[0-9a-f-]{36}$/i.test(event.id)
      ? (event as OrderCreated)
      : undefined;
  } catch {
    return undefined;
  }
}

/** ack/nack on a channel that closed meanwhile throws; the broker redelivers the message anyway. */
function settle(channel: ConfirmChannel, message: ConsumeMessage, ack: boolean, requeue = false) {
  try {
    if (ack) channel.ack(message);
    else channel.nack(message, false, requeue);
  } catch (error) {
    log.warn({ err: (error as Error).message }, "cannot settle message: it will be redelivered");
  }
}

async function handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
  const event = parse(message);
  if (!event) {
    log.error(
      { messageId: message.properties.messageId },
      "malformed order.created: dead-lettered",
    );
    return settle(channel, message, false, false);
  }
  try {
    const result = await confirmOrder(pool, event.id);
    if (result.outcome === "missing") {
      log.warn({ order: event.id }, "order.created for an order that does not exist: dropped");
    } else {
      // Also after "unchanged": an earlier attempt may have confirmed and then failed here.
      await cache.invalidate(event.id, result.version);
      log.info({ order: event.id, outcome: result.outcome }, "order confirmed");
    }
    settle(channel, message, true);
  } catch (error) {
    log.warn({ order: event.id, err: (error as Error).message }, "confirming failed: requeued");
    if (!stopping) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    settle(channel, message, false, true);
  }
}

broker.start();

onShutdown(log, async () => {
  stopping = true;
  // Stop taking messages, finish the ones in hand, then close.
  if (consumer && broker.current === consumer.channel)
    await consumer.channel.cancel(consumer.tag).catch(() => {});
  await Promise.allSettled([...inFlight]);
  await broker.close();
  await redis.quit().catch(() => redis.disconnect());
  await pool.end();
});
log.info("worker started");
