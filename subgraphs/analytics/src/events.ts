import type { Queryable } from '@cloudlab/kit';
import { handleEvents } from '@cloudlab/kit/events';
import { accumulate, difference, utcDay, type Difference, type Line, type OrderState } from './projection';
import { applyDifference, daysOfOrders, ensureMonths, lockOrder, saveOrder } from './store';
import type { EventEnvelope } from '@cloudlab/kit/events';

/**
 * Analytics' read model is fed only by these events. Each one changes what is known of one order
 * (flags only turn on; lines are set once) and the tables move by the difference it makes, so a
 * redelivered event (also stopped by the inbox) or one arriving before the order's OrderPlaced
 * changes the totals exactly as if everything had come once and in order.
 */
async function project(q: Queryable, orderId: string, change: (s: OrderState) => OrderState): Promise<void> {
  const before = await lockOrder(q, orderId);
  const after = change(before);
  const d = difference(before, after);
  if (d) accumulate(pendingOf(q), d);
  await saveOrder(q, orderId, after);
}

/**
 * The differences of the batch in hand (keyed by its transaction), written once at its end
 * (`finish`): a batch of 50 orders of one day updates each daily row once, not 50 times.
 */
const pending = new WeakMap<Queryable, Map<string, Difference>>();
function pendingOf(q: Queryable): Map<string, Difference> {
  let p = pending.get(q);
  if (!p) pending.set(q, (p = new Map()));
  return p;
}
async function finishBatch(q: Queryable): Promise<void> {
  const p = pending.get(q);
  pending.delete(q);
  for (const d of p?.values() ?? []) await applyDifference(q, d);
}

const placed = (s: OrderState, day: string, currency: string, lines: Line[]): OrderState =>
  s.lines ? s : { ...s, day, currency, lines: lines.map(({ productId, vendorId, quantity, unitPrice }) => ({ productId, vendorId, quantity, unitPrice })) };

/**
 * Before a batch writes anything: one batch at a time per generation (the daily rows are shared
 * counters that parallel lanes would update in different orders and deadlock on; a batch of up
 * to EVENT_CONSUMER_MAX_BATCH events per transaction keeps it fast), then the partitions of every
 * day it may touch (store.ts: ensureMonths).
 */
async function prepareBatch(events: EventEnvelope[], q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
  const days = new Set<string>();
  const known: string[] = [];
  for (const e of events) {
    const data = e.data as { orderId?: string; placedAt?: string };
    if (e.type === 'OrderPlaced') days.add(utcDay(e.time));
    else if (e.type === 'HistoricOrderImported' && !Number.isNaN(Date.parse(data.placedAt ?? ''))) days.add(utcDay(data.placedAt!));
    else if (typeof data.orderId === 'string') known.push(data.orderId);
  }
  for (const day of await daysOfOrders(q, known.filter((id) => /^[0-9a-f-]{36}$/i.test(id)))) days.add(day);
  await ensureMonths(q, days);
}

export const consumes = handleEvents({
  OrderPlaced: ({ orderId, currency, lines }, q, event) => project(q, orderId, (s) => placed(s, utcDay(event.time), currency, lines)),
  OrderConfirmed: ({ orderId }, q) => project(q, orderId, (s) => ({ ...s, confirmed: true })),
  OrderCancelled: ({ orderId }, q) => project(q, orderId, (s) => ({ ...s, cancelled: true })),
  PaymentRefunded: ({ orderId }, q) => project(q, orderId, (s) => ({ ...s, refunded: true })),
  HistoricOrderImported: ({ orderId, placedAt, currency, lines, outcome }, q) =>
    project(q, orderId, (s) => ({
      ...placed(s, utcDay(placedAt), currency, lines),
      confirmed: s.confirmed || outcome === 'CONFIRMED',
      cancelled: s.cancelled || outcome === 'CANCELLED',
    })),
}, { prepare: prepareBatch, finish: finishBatch });
