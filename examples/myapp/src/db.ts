import pg from "pg";
import type { Logger } from "./log.js";

/**
 * A pg Pool reconnects by itself: a broken client is dropped and the next query opens a new
 * connection. Timeouts keep a request (or /readyz) from hanging on a database that went away.
 */
export function createPool(url: string, log: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    query_timeout: 10_000,
  });
  // An idle client whose server went away emits 'error' on the pool: without a listener Node
  // would crash the process.
  pool.on("error", (error) => log.warn({ err: error.message }, "postgres connection lost"));
  return pool;
}

/** Runs `work` in a transaction on one client: committed when it resolves, rolled back when not. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let destroy = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
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
