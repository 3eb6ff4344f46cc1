import type { Queryable } from '@cloudlab/kit';

export type OrderStatus = 'PENDING' | 'STOCK_RESERVED' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';
export interface OrderRow {
  id: string;
  customer_id: string;
  idempotency_key: string;
  payment_token: string;
  total: string;
  currency: string;
  status: OrderStatus;
  cancellation_reason: string | null;
  step_deadline: Date | null;
  created_at: Date;
}
export interface LineRow {
  order_id: string;
  line_no: number;
  product_id: string;
  vendor_id: string;
  quantity: number;
  unit_price: string;
  /** The order's currency (joined in when lines are read). */
  currency: string;
}
export interface EventRow {
  order_id: string;
  seq: number;
  type: string;
  detail: string | null;
  at: Date;
}

const ORDER_COLUMNS =
  'id, customer_id, idempotency_key, payment_token, total, currency, status, cancellation_reason, step_deadline, created_at';

export async function orderByIdempotencyKey(q: Queryable, customerId: string, key: string): Promise<OrderRow | null> {
  const { rows } = await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $1 AND idempotency_key = $2`, [customerId, key]);
  return rows[0] ?? null;
}

/** Inserts the order unless the same customer already used this idempotency key (then: null). */
export async function insertOrder(
  q: Queryable,
  o: { customerId: string; idempotencyKey: string; paymentToken: string; total: string; currency: string; deadline: Date },
): Promise<OrderRow | null> {
  const { rows } = await q.query<OrderRow>(
    `INSERT INTO orders (customer_id, idempotency_key, payment_token, total, currency, step_deadline)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (customer_id, idempotency_key) DO NOTHING
     RETURNING ${ORDER_COLUMNS}`,
    [o.customerId, o.idempotencyKey, o.paymentToken, o.total, o.currency, o.deadline],
  );
  return rows[0] ?? null;
}

export async function insertLines(q: Queryable, orderId: string, lines: Omit<LineRow, 'order_id' | 'currency'>[]): Promise<void> {
  await q.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, vendor_id, quantity, unit_price)
     SELECT $1, * FROM unnest($2::int[], $3::uuid[], $4::uuid[], $5::int[], $6::numeric[])`,
    [orderId, lines.map((l) => l.line_no), lines.map((l) => l.product_id), lines.map((l) => l.vendor_id), lines.map((l) => l.quantity), lines.map((l) => l.unit_price)],
  );
}

/** Locks the order row for a state transition (saga steps for one order never interleave). */
export async function lockOrder(q: Queryable, id: string): Promise<OrderRow | null> {
  const { rows } = await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

/**
 * Appends an event to the order's history and moves the status it implies, in one statement
 * pair inside the caller's transaction.
 */
export async function appendEvent(
  q: Queryable,
  orderId: string,
  e: { type: string; detail?: string | null; status?: OrderStatus; reason?: string | null; deadline?: Date | null },
): Promise<void> {
  await q.query(
    `INSERT INTO order_events (order_id, seq, type, detail)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3 FROM order_events WHERE order_id = $1`,
    [orderId, e.type, e.detail ?? null],
  );
  if (e.status) {
    await q.query(
      `UPDATE orders SET status = $2, cancellation_reason = coalesce($3, cancellation_reason), step_deadline = $4 WHERE id = $1`,
      [orderId, e.status, e.reason ?? null, e.deadline ?? null],
    );
  }
}

export async function ordersByIds(q: Queryable, ids: readonly string[]): Promise<OrderRow[]> {
  return (await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

export async function linesByOrders(q: Queryable, ids: readonly string[]): Promise<LineRow[]> {
  return (
    await q.query<LineRow>(
      `SELECT l.*, o.currency FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE l.order_id = ANY($1::uuid[]) ORDER BY l.order_id, l.line_no`,
      [ids],
    )
  ).rows;
}

export async function eventsByOrders(q: Queryable, ids: readonly string[]): Promise<EventRow[]> {
  return (await q.query<EventRow>('SELECT * FROM order_events WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, seq', [ids])).rows;
}

/** A page of the customers' orders, newest first, for several customers in one statement. */
export async function ordersOfCustomers(
  q: Queryable,
  customerIds: readonly string[],
  page: { first: number; after: [string, string] | null },
): Promise<OrderRow[]> {
  return (
    await q.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM (
         SELECT o.*, row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC, id DESC) AS n
         FROM orders o
         WHERE customer_id = ANY($1::uuid[])
           AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ) ranked WHERE n <= $4 ORDER BY customer_id, created_at DESC, id DESC`,
      [customerIds, page.after?.[0] ?? null, page.after?.[1] ?? null, page.first + 1],
    )
  ).rows;
}

export async function countOrdersOfCustomers(q: Queryable, customerIds: readonly string[]) {
  return (
    await q.query<{ customer_id: string; n: number }>(
      'SELECT customer_id, count(*)::int AS n FROM orders WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id',
      [customerIds],
    )
  ).rows;
}

/**
 * Open orders whose current step has run out of time. The clock of a step starts when its
 * request left: an order whose latest event is still in the outbox (the broker is away), or was
 * published less than a step's time ago, is not overdue — our own outage must not cancel orders.
 */
export async function overdueOrders(q: Queryable, stepTimeoutMs: number, limit = 100): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT o.id FROM orders o
     WHERE o.status IN ('PENDING', 'STOCK_RESERVED') AND o.step_deadline < now()
       AND NOT EXISTS (
         SELECT 1 FROM outbox e WHERE e.aggregate_id = o.id::text
           AND (e.published_at IS NULL OR e.published_at > now() - make_interval(secs => $2::float8 / 1000)))
     ORDER BY o.step_deadline LIMIT $1`,
    [limit, stepTimeoutMs],
  );
  return rows.map((r) => r.id);
}

export interface ShipmentRow {
  order_id: string;
  vendor_id: string;
  carrier: string;
  tracking_number: string;
  shipped_at: Date;
}

export async function shipmentsByOrders(q: Queryable, ids: readonly string[]): Promise<ShipmentRow[]> {
  return (await q.query<ShipmentRow>('SELECT * FROM order_shipments WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, shipped_at, vendor_id', [ids])).rows;
}

export async function insertShipment(q: Queryable, s: { orderId: string; vendorId: string; carrier: string; trackingNumber: string }): Promise<void> {
  await q.query('INSERT INTO order_shipments (order_id, vendor_id, carrier, tracking_number) VALUES ($1, $2, $3, $4)', [
    s.orderId,
    s.vendorId,
    s.carrier,
    s.trackingNumber,
  ]);
}

/** A page of the orders holding a vendor's lines, newest first (keyset on created_at, id). */
export async function ordersOfVendor(q: Queryable, vendorId: string, page: { first: number; after: [string, string] | null }): Promise<OrderRow[]> {
  return (
    await q.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE id IN (SELECT order_id FROM order_lines WHERE vendor_id = $1)
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [vendorId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.first + 1],
    )
  ).rows;
}

export async function countOrdersOfVendor(q: Queryable, vendorId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(DISTINCT order_id)::int AS n FROM order_lines WHERE vendor_id = $1', [vendorId]);
  return rows[0]?.n ?? 0;
}
