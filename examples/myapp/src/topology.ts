import type { Channel } from "amqplib";

/** A topic exchange for order events; routing keys are the event types (`order.created`). */
export const EXCHANGE = "orders";
export const ORDER_CREATED = "order.created";
/** Durable queue the worker consumes: every order.created, kept while no worker runs. */
export const CONFIRM_QUEUE = "orders.confirm";
/** Messages the worker rejects as malformed end up here, for a human to look at. */
export const DEAD_LETTER_EXCHANGE = "orders.dead-letter";
export const DEAD_LETTER_QUEUE = "orders.dead-letter";

/**
 * Declares everything, idempotently, from both the API and the worker: whichever starts first,
 * a published order.created is routed to a durable queue and is never dropped for lack of one.
 */
export async function assertTopology(channel: Channel): Promise<void> {
  await channel.assertExchange(EXCHANGE, "topic", { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, "fanout", { durable: true });
  await channel.assertQueue(DEAD_LETTER_QUEUE, { durable: true });
  await channel.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "");
  await channel.assertQueue(CONFIRM_QUEUE, {
    durable: true,
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
  });
  await channel.bindQueue(CONFIRM_QUEUE, EXCHANGE, ORDER_CREATED);
}
