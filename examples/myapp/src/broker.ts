import amqp, { type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import type { Logger } from "./log.js";

export interface BrokerOptions {
  url: string;
  /** Shown in RabbitMQ's connection list. */
  name: string;
  log: Logger;
  /** Declares the topology (and starts consumers) on every new channel, after each reconnect. */
  setup: (channel: ConfirmChannel) => Promise<void>;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class BrokerUnavailable extends Error {
  constructor(message = "RabbitMQ is not connected") {
    super(message);
    this.name = "BrokerUnavailable";
  }
}

/**
 * One AMQP connection and one confirm channel that come back by themselves. amqplib does not
 * reconnect: when the connection or the channel closes (broker restart, network, a channel
 * error), this drops both and connects again with exponential backoff, running `setup` on the
 * new channel. Callers never hold a channel: they ask for the current one.
 */
export class Broker {
  private model: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private readonly openListeners = new Set<(channel: ConfirmChannel) => void>();

  constructor(private readonly options: BrokerOptions) {}

  /** Starts connecting in the background; never throws. */
  start(): void {
    this.stopped = false;
    this.connecting ??= this.connect();
  }

  /** The open channel, if there is one now. */
  get current(): ConfirmChannel | undefined {
    return this.channel;
  }

  isOpen(): boolean {
    return this.channel !== undefined;
  }

  /** Calls `listener` each time a channel is (re)opened. */
  onOpen(listener: (channel: ConfirmChannel) => void): void {
    this.openListeners.add(listener);
  }

  /** Publishes and resolves once the broker has confirmed the message (publisher confirms). */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish = {},
    timeoutMs = 5000,
  ): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailable());
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BrokerUnavailable("RabbitMQ did not confirm the message in time")),
        timeoutMs,
      );
      try {
        channel.publish(exchange, routingKey, content, options, (error) => {
          clearTimeout(timer);
          if (error) reject(error instanceof Error ? error : new BrokerUnavailable(String(error)));
          else resolve();
        });
      } catch (error) {
        // amqplib throws when the channel closed under us.
        clearTimeout(timer);
        reject(error instanceof Error ? error : new BrokerUnavailable(String(error)));
      }
    });
  }

  /** Stops reconnecting and closes the connection (unconfirmed messages are not waited for). */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.connecting?.catch(() => {});
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    await model?.close().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { log, url, name, setup } = this.options;
    let model: ChannelModel | undefined;
    try {
      model = await amqp.connect(url, {
        timeout: 5000,
        clientProperties: { connection_name: name },
      });
      const current = model;
      // 'error' is always followed by 'close'; without a listener it would crash the process.
      current.on("error", (error: Error) =>
        log.warn({ err: error.message }, "amqp connection error"),
      );
      current.on("close", () => this.lost(current, "amqp connection closed"));
      const channel = await current.createConfirmChannel();
      channel.on("error", (error: Error) => log.warn({ err: error.message }, "amqp channel error"));
      channel.on("close", () => this.lost(current, "amqp channel closed"));
      await setup(channel);
      if (this.stopped) {
        await current.close().catch(() => {});
        return;
      }
      this.model = current;
      this.channel = channel;
      if (this.attempt > 0) log.info("amqp reconnected");
      else log.info("amqp connected");
      this.attempt = 0;
      for (const listener of this.openListeners) listener(channel);
    } catch (error) {
      await model?.close().catch(() => {});
      this.connecting = undefined;
      if (!this.stopped) {
        log.warn({ err: (error as Error).message }, "amqp connect failed");
        this.schedule();
      }
    } finally {
      this.connecting = undefined;
    }
  }

  /** The connection (or its channel) went away: forget both and connect again. */
  private lost(model: ChannelModel, reason: string): void {
    if (this.model !== model) return; // an attempt that failed, or already handled
    this.model = undefined;
    this.channel = undefined;
    // A closed channel leaves the connection open: close it, one path back for both cases.
    void model.close().catch(() => {});
    if (this.stopped) return;
    this.options.log.warn(reason);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.connecting) return;
    const { minDelayMs = 250, maxDelayMs = 5000 } = this.options;
    const delay = Math.min(maxDelayMs, minDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connecting ??= this.connect();
    }, delay);
  }
}
