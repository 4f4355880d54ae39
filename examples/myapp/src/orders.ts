import type pg from "pg";
import { inTransaction } from "./db.js";
import { ORDER_CREATED } from "./topology.js";

export const ORDER_STATUSES = ["pending", "confirmed", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: string;
  customer: string;
  status: OrderStatus;
  /** Bumped by every change; the cache keys its entries on it. */
  version: number;
  items: OrderItem[];
  totalCents: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewOrder {
  customer: string;
  items: Array<{ sku: string; quantity: number }>;
}

/** The event the worker consumes. */
export interface OrderCreated {
  id: string;
  customer: string;
  items: Array<{ sku: string; quantity: number }>;
  createdAt: string;
}

/** Some SKUs of the order are not in the catalogue: nothing was written. */
export class UnknownSkus extends Error {
  constructor(readonly skus: string[]) {
    super(`unknown SKU: ${skus.join(", ")}`);
    this.name = "UnknownSkus";
  }
}

const SELECT_ORDERS = `
  SELECT o.id, o.customer, o.status, o.version, o.created_at, o.updated_at,
         COALESCE(
           json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity,
                                      'unitPriceCents', i.unit_price_cents)
                    ORDER BY i.position) FILTER (WHERE i.order_id IS NOT NULL),
           '[]'::json) AS items
    FROM orders o
    LEFT JOIN order_items i ON i.order_id = o.id`;

interface OrderRow {
  id: string;
  customer: string;
  status: OrderStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
  items: OrderItem[];
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customer: row.customer,
    status: row.status,
    version: row.version,
    items: row.items,
    totalCents: row.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

export async function getOrder(db: Queryable, id: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`${SELECT_ORDERS} WHERE o.id = $1 GROUP BY o.id`, [id]);
  return rows[0] && toOrder(rows[0]);
}

export async function listOrders(
  db: Queryable,
  filter: { status?: OrderStatus | undefined; limit: number },
): Promise<Order[]> {
  const { rows } = await db.query<OrderRow>(
    `${SELECT_ORDERS}
      WHERE $1::text IS NULL OR o.status = $1
      GROUP BY o.id
      ORDER BY o.created_at DESC, o.id
      LIMIT $2`,
    [filter.status ?? null, filter.limit],
  );
  return rows.map(toOrder);
}

/**
 * Inserts the order (pending) and its order.created event in one transaction: the event is
 * published from the outbox after the commit, so the worker never sees an order that is not
 * there, and an order is never left without its event.
 */
export async function createOrder(pool: pg.Pool, input: NewOrder): Promise<Order> {
  return inTransaction(pool, async (client) => {
    const skus = [...new Set(input.items.map((i) => i.sku))];
    const { rows: products } = await client.query<{ sku: string; price_cents: number }>(
      "SELECT sku, price_cents FROM products WHERE sku = ANY($1::text[])",
      [skus],
    );
    const prices = new Map(products.map((p) => [p.sku, p.price_cents]));
    const unknown = skus.filter((sku) => !prices.has(sku));
    if (unknown.length) throw new UnknownSkus(unknown);

    const { rows } = await client.query<{ id: string }>(
      "INSERT INTO orders (customer) VALUES ($1) RETURNING id",
      [input.customer],
    );
    const id = rows[0]!.id;
    await client.query(
      `INSERT INTO order_items (order_id, position, sku, quantity, unit_price_cents)
       SELECT $1, t.position, t.sku, t.quantity, t.price
         FROM unnest($2::int[], $3::text[], $4::int[], $5::int[]) AS t(position, sku, quantity, price)`,
      [
        id,
        input.items.map((_, i) => i + 1),
        input.items.map((i) => i.sku),
        input.items.map((i) => i.quantity),
        input.items.map((i) => prices.get(i.sku)!),
      ],
    );
    const order = (await getOrder(client, id))!;
    const event: OrderCreated = {
      id,
      customer: order.customer,
      items: input.items.map(({ sku, quantity }) => ({ sku, quantity })),
      createdAt: order.createdAt,
    };
    await client.query("INSERT INTO outbox (routing_key, payload) VALUES ($1, $2)", [
      ORDER_CREATED,
      JSON.stringify(event),
    ]);
    return order;
  });
}

export type Transition =
  | { outcome: "changed"; version: number }
  | { outcome: "unchanged"; version: number; status: OrderStatus }
  | { outcome: "missing" };

/** pending → confirmed; idempotent: a redelivered event changes nothing. */
export async function confirmOrder(db: Queryable, id: string): Promise<Transition> {
  return transition(db, id, "confirmed", ["pending"]);
}

/** pending or confirmed → cancelled; cancelling twice changes nothing. */
export async function cancelOrder(db: Queryable, id: string): Promise<Transition> {
  return transition(db, id, "cancelled", ["pending", "confirmed"]);
}

async function transition(
  db: Queryable,
  id: string,
  to: OrderStatus,
  from: OrderStatus[],
): Promise<Transition> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE orders SET status = $2, version = version + 1, updated_at = now()
      WHERE id = $1 AND status = ANY($3::text[])
      RETURNING version`,
    [id, to, from],
  );
  if (rows[0]) return { outcome: "changed", version: rows[0].version };
  const current = await db.query<{ version: number; status: OrderStatus }>(
    "SELECT version, status FROM orders WHERE id = $1",
    [id],
  );
  return current.rows[0] ? { outcome: "unchanged", ...current.rows[0] } : { outcome: "missing" };
}
