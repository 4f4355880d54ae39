import type pg from "pg";
import type { Broker } from "./broker.js";
import type { Logger } from "./log.js";
import { EXCHANGE } from "./topology.js";

const BATCH = 100;

/**
 * Publishes the outbox to RabbitMQ and deletes what the broker confirmed. Rows are locked with
 * SKIP LOCKED, so several API replicas relay side by side without publishing a row twice; a crash
 * after the confirm and before the commit publishes it again, which the worker tolerates
 * (confirming is idempotent). Runs after each order (kick), on every (re)connect and on a timer.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly broker: Broker,
    private readonly log: Logger,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.broker.onOpen(() => this.kick());
  }

  /** Flushes soon; calls while a flush runs coalesce into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.flush()) === BATCH && !this.stopped);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, "outbox relay: will retry");
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** One batch: how many events were published. */
  async flush(): Promise<number> {
    if (!this.broker.isOpen()) return 0;
    const client = await this.pool.connect();
    let destroy = false;
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string; routing_key: string; payload: unknown }>(
        `SELECT id, routing_key, payload FROM outbox ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      await Promise.all(
        rows.map((row) =>
          this.broker.publish(EXCHANGE, row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
            persistent: true,
            contentType: "application/json",
            messageId: `outbox-${row.id}`,
            type: row.routing_key,
            timestamp: Math.floor(Date.now() / 1000),
          }),
        ),
      );
      if (rows.length)
        await client.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [
          rows.map((r) => r.id),
        ]);
      await client.query("COMMIT");
      if (rows.length) this.log.debug({ events: rows.length }, "outbox relayed");
      return rows.length;
    } catch (error) {
      // A client that cannot even roll back has lost its connection: discard it.
      destroy = !(await client.query("ROLLBACK").then(
        () => true,
        () => false,
      ));
      throw error;
    } finally {
      client.release(destroy);
    }
  }
}
