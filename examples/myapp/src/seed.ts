import { configOrExit } from "./config.js";
import { createPool, inTransaction } from "./db.js";
import { createLogger } from "./log.js";

/**
 * Development data, idempotent: upserts keyed on natural keys (SKU) and fixed ids, so a second
 * run leaves the same rows (and does not even touch a row that is already right).
 */
export const PRODUCTS = [
  { sku: "MUG-001", name: "Enamel mug", priceCents: 1200 },
  { sku: "TEE-001", name: "T-shirt", priceCents: 2500 },
  { sku: "CAP-001", name: "Cap", priceCents: 1800 },
  { sku: "STICKER-001", name: "Sticker pack", priceCents: 400 },
] as const;

/** A confirmed order to look at right after `parity up`: GET /orders/<DEMO_ORDER_ID>. */
export const DEMO_ORDER_ID = "00000000-0000-4000-8000-000000000001";

const config = configOrExit("myapp-seed", ["DATABASE_URL", "LOG_LEVEL"]);
const log = createLogger("myapp-seed", config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, log, 1);

try {
  await inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO products (sku, name, price_cents)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
       ON CONFLICT (sku) DO UPDATE
          SET name = excluded.name, price_cents = excluded.price_cents, updated_at = now()
        WHERE (products.name, products.price_cents)
              IS DISTINCT FROM (excluded.name, excluded.price_cents)`,
      [PRODUCTS.map((p) => p.sku), PRODUCTS.map((p) => p.name), PRODUCTS.map((p) => p.priceCents)],
    );
    await client.query(
      `INSERT INTO orders (id, customer, status, created_at, updated_at)
       VALUES ($1, 'demo@example.com', 'confirmed', '2024-11-24T00:00:00Z', '2024-11-24T00:00:00Z')
       ON CONFLICT (id) DO NOTHING`,
      [DEMO_ORDER_ID],
    );
    await client.query(
      `INSERT INTO order_items (order_id, position, sku, quantity, unit_price_cents)
       VALUES ($1, 1, 'MUG-001', 2, 1200), ($1, 2, 'STICKER-001', 1, 400)
       ON CONFLICT (order_id, position) DO NOTHING`,
      [DEMO_ORDER_ID],
    );
  });
  log.info({ products: PRODUCTS.length, orders: 1 }, "seeded");
} catch (error) {
  log.fatal({ err: (error as Error).message }, "seed failed");
  process.exitCode = 1;
} finally {
  await pool.end();
}
