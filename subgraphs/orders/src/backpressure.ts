import { appError, ErrorCode, Gauge, registry, type Queryable } from '@cloudlab/kit';
import { config } from './config';

/**
 * The edge of the saga: a new order is refused with RATE_LIMITED (HTTP 429, Retry-After) while
 * SAGA_MAX_PENDING_ORDERS orders are still open (PENDING or STOCK_RESERVED). Accepting it would
 * only lengthen a backlog the steps cannot drain in time; refusing it tells the client to come
 * back, instead of taking an order the saga may later have to cancel.
 *
 * The count is read from the database at most every REFRESH_MS (one indexed count, not one per
 * request) and raised by each order accepted since, so a burst cannot overshoot the bound by
 * more than what other instances accept within REFRESH_MS.
 */
const REFRESH_MS = 100;

let snapshot = { at: 0, open: 0 };
let reading: Promise<void> | undefined;

export const sagaGauges = {
  openOrders: new Gauge({
    name: 'cloudlab_saga_open_orders',
    help: 'Orders in the saga now (PENDING or STOCK_RESERVED): the backlog placeOrder bounds with SAGA_MAX_PENDING_ORDERS',
    registers: [registry],
  }),
  ordersByStatus: new Gauge({
    name: 'cloudlab_orders',
    help: 'Orders per status (refreshed every few seconds)',
    labelNames: ['status'],
    registers: [registry],
  }),
};

async function openOrders(q: Queryable): Promise<number> {
  if (Date.now() - snapshot.at > REFRESH_MS) {
    reading ??= q
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status IN ('PENDING', 'STOCK_RESERVED')`)
      .then(({ rows }) => {
        snapshot = { at: Date.now(), open: rows[0]!.n };
        sagaGauges.openOrders.set(snapshot.open);
      })
      .finally(() => (reading = undefined));
    await reading;
  }
  return snapshot.open;
}

/** Whether one more order fits under the bound. */
export const admits = (open: number, max: number) => open < max;

/** Throws RATE_LIMITED when the saga's backlog is full; else counts the order about to be placed. */
export async function admitOrder(q: Queryable, max = config.SAGA_MAX_PENDING_ORDERS): Promise<void> {
  if (!admits(await openOrders(q), max)) {
    throw appError(
      ErrorCode.RATE_LIMITED,
      `Too many orders in progress (${max}); retry in ${config.SAGA_RETRY_AFTER_SECONDS} s`,
      // A GraphQL error, not an HTTP 429 from the subgraph (the gateway would see a failed fetch);
      // the gateway turns it into 429 + Retry-After (gateway/src/plugins/upstream-refusals.ts).
      { retryAfter: config.SAGA_RETRY_AFTER_SECONDS },
    );
  }
  snapshot.open++;
}

/** Refreshes the orders-per-status gauge (a timer calls it). */
export async function refreshOrderGauges(q: Queryable): Promise<void> {
  const { rows } = await q.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM orders GROUP BY status');
  sagaGauges.ordersByStatus.reset();
  for (const r of rows) sagaGauges.ordersByStatus.set({ status: r.status }, r.n);
}
