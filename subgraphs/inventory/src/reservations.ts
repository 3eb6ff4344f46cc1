import type { Queryable } from '@cloudlab/kit';
import { readEvent, recordDomainEvent, type EventEnvelope } from '@cloudlab/kit/events';

const DOMAIN = 'inventory' as const;

export interface StockRow {
  product_id: string;
  warehouse_id: string;
  available: number;
}
export interface OrderLine {
  productId: string;
  quantity: number;
}
export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/**
 * Which units of which warehouse each line takes (warehouses in the order given, first fit), or
 * the products there is not enough of. Lines for the same product count together, and each
 * (product, warehouse) appears once: it is one reservation row.
 */
export function allocate(rows: readonly StockRow[], lines: readonly OrderLine[]): { allocations: Allocation[]; short: string[] } {
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.productId, (wanted.get(l.productId) ?? 0) + l.quantity);
  const allocations: Allocation[] = [];
  const short: string[] = [];
  for (const [productId, quantity] of wanted) {
    let needed = quantity;
    for (const row of rows) {
      if (row.product_id !== productId || needed === 0) continue;
      const take = Math.min(needed, row.available);
      if (take > 0) {
        allocations.push({ productId, warehouseId: row.warehouse_id, quantity: take });
        needed -= take;
      }
    }
    if (needed > 0) short.push(productId);
  }
  return short.length ? { allocations: [], short } : { allocations, short };
}

/**
 * Reserves every line of an order, or none: all stock rows of the order's products are locked
 * in one statement in (product, warehouse) order — so concurrent orders never deadlock and never
 * oversell — then the lines are allocated warehouse by warehouse.
 */
export async function reserve(q: Queryable, orderId: string, lines: OrderLine[]): Promise<void> {
  const ids = [...new Set(lines.map((l) => l.productId))].sort();
  const { rows } = await q.query<StockRow>(
    `SELECT product_id, warehouse_id, available FROM stock WHERE product_id = ANY($1::uuid[])
     ORDER BY product_id, warehouse_id FOR UPDATE`,
    [ids],
  );
  const { allocations, short } = allocate(rows, lines);
  if (short.length) {
    const reason = `insufficient stock for product ${short.join(', ')}`;
    await recordDomainEvent(q, DOMAIN, { type: 'StockReservationFailed', aggregateId: orderId, data: { orderId, reason } });
    return;
  }
  await q.query(
    `WITH a AS (SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS t(product_id, warehouse_id, quantity))
     , moved AS (UPDATE stock s SET available = s.available - a.quantity, reserved = s.reserved + a.quantity
                 FROM a WHERE s.product_id = a.product_id AND s.warehouse_id = a.warehouse_id)
     INSERT INTO reservations (order_id, product_id, warehouse_id, quantity, state)
     SELECT $1, product_id, warehouse_id, quantity, 'RESERVED' FROM a`,
    [orderId, allocations.map((a) => a.productId), allocations.map((a) => a.warehouseId), allocations.map((a) => a.quantity)],
  );
  await recordDomainEvent(q, DOMAIN, { type: 'StockReserved', aggregateId: orderId, data: { orderId } });
  await announce(q, ids);
}

/**
 * The stock rows a batch of order events will touch: the products of placed orders, and those
 * of the reservations of confirmed or cancelled ones (malformed payloads are left out; their
 * handler refuses them).
 */
export function batchProducts(events: readonly EventEnvelope[]): { productIds: string[]; orderIds: string[] } {
  const productIds = new Set<string>();
  const orderIds = new Set<string>();
  for (const e of events) {
    if (e.type === 'OrderPlaced') {
      const placed = readEvent('OrderPlaced', e);
      if (placed.ok) for (const l of placed.data.lines) productIds.add(l.productId);
    } else if (e.type === 'OrderConfirmed' || e.type === 'OrderCancelled') {
      const ref = readEvent(e.type, e);
      if (ref.ok) orderIds.add(ref.data.orderId);
    }
  }
  return { productIds: [...productIds].sort(), orderIds: [...orderIds].sort() };
}

/**
 * Locks, before a batch of order events is applied in one transaction, every stock row it will
 * touch, in (product, warehouse) order: the same order `reserve` uses for one order. Without it
 * a batch reserving products A then B and another releasing B then A could deadlock; with it,
 * batches for many orders at once never oversell (the rows stay locked until commit) and never
 * wait on each other in a cycle.
 */
export async function lockStockForBatch(q: Queryable, events: readonly EventEnvelope[]): Promise<void> {
  const { productIds, orderIds } = batchProducts(events);
  if (!productIds.length && !orderIds.length) return;
  // From here on the batch's StockChanged announcements wait for finishBatch (one per product).
  deferred.set(q, new Set());
  await q.query(
    `SELECT 1 FROM stock WHERE product_id IN (
       SELECT unnest($1::uuid[]) UNION SELECT product_id FROM reservations WHERE order_id = ANY($2::uuid[]))
     ORDER BY product_id, warehouse_id FOR UPDATE`,
    [productIds, orderIds],
  );
}

/** The order was confirmed: its reserved units are sold. */
export async function commit(q: Queryable, orderId: string): Promise<void> {
  const ids = await move(q, orderId, 'RESERVED', 'COMMITTED', 'reserved = s.reserved - r.quantity, sold = s.sold + r.quantity');
  await announce(q, ids);
}

/** The order was cancelled: reserved units become available again, and so do sold ones of a confirmed order. */
export async function release(q: Queryable, orderId: string): Promise<void> {
  const released = await move(q, orderId, 'RESERVED', 'RELEASED', 'available = s.available + r.quantity, reserved = s.reserved - r.quantity');
  const returned = await move(q, orderId, 'COMMITTED', 'RETURNED', 'available = s.available + r.quantity, sold = s.sold - r.quantity');
  await announce(q, [...new Set([...released, ...returned])]);
}

/** Moves an order's reservations from one state to the next and applies `set` to their stock rows. */
async function move(q: Queryable, orderId: string, from: string, to: string, set: string): Promise<string[]> {
  const { rows } = await q.query<{ product_id: string }>(
    `WITH r AS (UPDATE reservations SET state = $3 WHERE order_id = $1 AND state = $2
                RETURNING product_id, warehouse_id, quantity)
     , s AS (UPDATE stock s SET ${set} FROM r WHERE s.product_id = r.product_id AND s.warehouse_id = r.warehouse_id)
     SELECT DISTINCT product_id FROM r`,
    [orderId, from, to],
  );
  return rows.map((r) => r.product_id);
}

// Products whose totals moved in a consumer batch's transaction, announced once at its end.
const deferred = new WeakMap<Queryable, Set<string>>();

/** StockChanged for `productIds` now, or at the end of the consumer batch this transaction applies. */
async function announce(q: Queryable, productIds: string[]): Promise<void> {
  const batch = deferred.get(q);
  if (!batch) return stockChanged(q, productIds);
  for (const id of productIds) batch.add(id);
}

/** The end of a consumer batch: one StockChanged per product it moved (its final totals), not one per order. */
export async function finishBatch(q: Queryable): Promise<void> {
  const batch = deferred.get(q);
  deferred.delete(q);
  if (batch?.size) await stockChanged(q, [...batch].sort());
}

/** Announces products' new totals (live stock subscriptions and cache invalidation listen). */
export async function stockChanged(q: Queryable, productIds: string[]): Promise<void> {
  if (!productIds.length) return;
  const { rows } = await q.query<{ product_id: string; available: number; reserved: number }>(
    `SELECT product_id, sum(available) AS available, sum(reserved) AS reserved FROM stock
     WHERE product_id = ANY($1::uuid[]) GROUP BY product_id ORDER BY product_id`,
    [productIds],
  );
  for (const r of rows) {
    await recordDomainEvent(q, DOMAIN, {
      type: 'StockChanged',
      aggregateId: r.product_id,
      data: { productId: r.product_id, available: r.available, reserved: r.reserved },
    });
  }
}
