import { Redis } from "ioredis";
import type { Logger } from "./log.js";
import type { Order } from "./orders.js";

/**
 * ioredis reconnects by itself (retryStrategy). Commands fail at once while it is disconnected
 * (no offline queue) and after `commandTimeout`, so a dead cache never holds a request up.
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    commandTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (!down) log.warn({ err: error.message }, "redis connection error");
    down = true;
  });
  redis.on("ready", () => {
    if (down) log.info("redis reconnected");
    down = false;
  });
  return redis;
}

/**
 * Writes a cache entry of version ARGV[1] (ARGV[2] = the order's JSON; "" = a tombstone) unless
 * the entry holds a newer version. A tombstone is what invalidation leaves: it makes a reader
 * that fetched the old row before the change unable to put it back (the classic cache-aside
 * race), and a reader of the new row replaces it. Entries are "<version>|<json>".
 */
const PUT_IF_NEWER = `
local n = tonumber(ARGV[1])
local tomb = ARGV[2] == ''
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  local v = sep and tonumber(string.sub(cur, 1, sep - 1))
  if v then
    if v > n then return 0 end
    if v == n and not tomb and sep ~= #cur then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1
`;

/** Between an entry's version and its JSON (`7|{…}`); a tombstone has no JSON. */
const SEPARATOR = 0x7c; // "|"

type WithPut = Redis & {
  putIfNewer(key: string, version: number, payload: string, ttl: number): Promise<number>;
};

interface PendingRead {
  key: string;
  resolve: (entry: Buffer | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Cache-aside for single orders, with a TTL as the last line of defence against staleness.
 *
 * Reads are batched per turn of the event loop: the reads of the requests that one round of I/O
 * brought in (one per ready socket) wait for that round to end (`setImmediate`) and go to Redis
 * as one MGET, so that the connection sees one write and one read instead of one of each per
 * request (under load these system calls cost the API, and Redis, more than anything else on
 * the cached path), and Redis parses one command. ioredis's autopipelining flushes on
 * `process.nextTick`, after each socket's callback, so it never batches reads of different
 * requests. A lone read waits for nothing more than the end of the current turn. Every read
 * still asks Redis, and a failed MGET fails each of its reads, which fall back to Postgres.
 */
export class OrderCache {
  private readonly redis: WithPut;
  private pending: PendingRead[] = [];

  constructor(
    redis: Redis,
    readonly ttlSeconds = 300,
    readonly prefix = "myapp:order:",
  ) {
    if (!("putIfNewer" in redis))
      redis.defineCommand("putIfNewer", { numberOfKeys: 1, lua: PUT_IF_NEWER });
    this.redis = redis as WithPut;
  }

  key(id: string): string {
    return this.prefix + id;
  }

  /** The cached order, or undefined on a miss (or a tombstone). */
  async get(id: string): Promise<Order | undefined> {
    const json = await this.getJson(id);
    return json ? (JSON.parse(json.toString("utf8")) as Order) : undefined;
  }

  /**
   * The cached order as the UTF-8 JSON it was stored as: a hit is served as these bytes, never
   * decoded, parsed or encoded again.
   */
  async getJson(id: string): Promise<Buffer | undefined> {
    const entry = await this.read(this.key(id));
    if (!entry) return undefined;
    const json = entry.subarray(entry.indexOf(SEPARATOR) + 1);
    return json.length ? json : undefined;
  }

  /** The raw entry of `key`, read with the other reads of this turn of the event loop. */
  private read(key: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(this.flush);
      this.pending.push({ key, resolve, reject });
    });
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    let entries: Promise<Array<Buffer | null>>;
    try {
      entries =
        batch.length === 1
          ? this.redis.getBuffer(batch[0]!.key).then((entry) => [entry])
          : this.redis.mgetBuffer(batch.map((read) => read.key));
    } catch (error) {
      entries = Promise.reject(error);
    }
    entries.then(
      (values) => batch.forEach((read, i) => read.resolve(values[i] ?? null)),
      (error: unknown) => batch.forEach((read) => read.reject(error)),
    );
  };

  async put(order: Order): Promise<void> {
    await this.redis.putIfNewer(
      this.key(order.id),
      order.version,
      JSON.stringify(order),
      this.ttlSeconds,
    );
  }

  /** After a change that produced `version`: readers of older versions can no longer cache them. */
  async invalidate(id: string, version: number): Promise<void> {
    await this.redis.putIfNewer(this.key(id), version, "", this.ttlSeconds);
  }
}
