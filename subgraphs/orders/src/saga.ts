import { appError, badInput, ErrorCode, type Queryable, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent, Topics, type EventBus } from '@cloudlab/kit/events';
import { admitOrder } from './backpressure';
import { config } from './config';
import { mayTimeOut, STEP_CONSUMER, stepAnswered, stepOf, type Step } from './step-clock';
import { orderablePrices } from './price-list';
import * as store from './store';
import type { OrderRow, OrderStatus } from './store';

/**
 * The order saga, orchestrated here: every transition appends to the order's history and
 * records the event other domains react to, in the same transaction (transactional outbox).
 *
 *   placeOrder → PENDING + OrderPlaced ─▶ inventory reserves ─▶ StockReserved ─▶ STOCK_RESERVED +
 *   PaymentRequested ─▶ payments ─▶ PaymentAuthorized ─▶ CONFIRMED + OrderConfirmed
 *   any failure or timeout ─▶ CANCELLED + OrderCancelled (inventory releases, payments voids)
 *   then each vendor ships (shipping.ts) ─▶ the last one: SHIPPED + OrderShipped ─▶ payments captures
 */
const DOMAIN = 'orders' as const;

const deadline = () => new Date(Date.now() + config.SAGA_STEP_TIMEOUT_MS);

interface PlaceOrderInput {
  lines: { productId: string; quantity: number }[];
  paymentToken: string;
  idempotencyKey: string;
}

export async function placeOrder(q: Queryable, viewer: Viewer, input: PlaceOrderInput): Promise<OrderRow> {
  const key = input.idempotencyKey.trim();
  if (!key || key.length > 200) throw badInput('idempotencyKey must be 1 to 200 characters', 'idempotencyKey');
  if (!input.paymentToken || input.paymentToken.length > config.PAYMENT_TOKEN_MAX_LENGTH) {
    throw badInput(`paymentToken must be 1 to ${config.PAYMENT_TOKEN_MAX_LENGTH} characters`, 'paymentToken');
  }
  const quantities = mergeLines(input.lines);
  const existing = await store.orderByIdempotencyKey(q, viewer.userId, key);
  if (existing) return replayed(q, existing, quantities, input.paymentToken);
  await admitOrder(q);

  // Lines of several vendors are fine: each line keeps its product's vendor.
  const prices = await orderablePrices(q, [...quantities.keys()]);
  const currencies = new Set([...prices.values()].map((p) => p.currency));
  if (currencies.size > 1) throw badInput('All lines of an order must be in one currency', 'lines');

  const lines = [...quantities].map(([productId, quantity], i) => {
    const p = prices.get(productId)!;
    return { line_no: i + 1, product_id: productId, vendor_id: p.vendor_id, quantity, unit_price: p.price };
  });
  const totalCents = lines.reduce((sum, l) => sum + cents(l.unit_price) * l.quantity, 0);
  const order = await store.insertOrder(q, {
    customerId: viewer.userId,
    idempotencyKey: key,
    paymentToken: input.paymentToken,
    total: (totalCents / 100).toFixed(2),
    currency: [...currencies][0]!,
    deadline: deadline(),
  });
  // A concurrent request with the same key won the insert: answer with its order.
  if (!order) return replayed(q, (await store.orderByIdempotencyKey(q, viewer.userId, key))!, quantities, input.paymentToken);
  await store.insertLines(q, order.id, lines);
  await store.appendEvent(q, order.id, { type: 'OrderPlaced' });
  await recordDomainEvent(q, DOMAIN, {
    type: 'OrderPlaced',
    aggregateId: order.id,
    data: {
      orderId: order.id,
      customerId: viewer.userId,
      total: order.total,
      currency: order.currency,
      lines: lines.map((l) => ({ productId: l.product_id, vendorId: l.vendor_id, quantity: l.quantity, unitPrice: l.unit_price })),
    },
  });
  return order;
}

/** The order a key already made, if this request asks for the same thing; else CONFLICT. */
async function replayed(q: Queryable, order: OrderRow, quantities: Map<string, number>, paymentToken: string): Promise<OrderRow> {
  const lines = await store.linesByOrders(q, [order.id]);
  if (!samePayload({ paymentToken: order.payment_token, lines }, { paymentToken, quantities })) {
    throw appError(ErrorCode.CONFLICT, 'This idempotency key was used for a different order');
  }
  return order;
}

/** Whether a retried placeOrder asks for what the key's first order holds (products, quantities, payment token). */
export function samePayload(
  first: { paymentToken: string; lines: readonly { product_id: string; quantity: number }[] },
  retry: { paymentToken: string; quantities: ReadonlyMap<string, number> },
): boolean {
  if (first.paymentToken !== retry.paymentToken || first.lines.length !== retry.quantities.size) return false;
  return first.lines.every((l) => retry.quantities.get(l.product_id) === l.quantity);
}

/**
 * The order's quantity per product (lines for the same product count together), checked against
 * the limits: at most ORDER_MAX_LINES lines, ORDER_MAX_QUANTITY units of one product and
 * ORDER_MAX_TOTAL_QUANTITY units in all.
 */
export function mergeLines(lines: PlaceOrderInput['lines'], limits: Pick<typeof config, 'ORDER_MAX_LINES' | 'ORDER_MAX_QUANTITY' | 'ORDER_MAX_TOTAL_QUANTITY'> = config): Map<string, number> {
  if (lines.length === 0) throw badInput('An order needs at least one line', 'lines');
  if (lines.length > limits.ORDER_MAX_LINES) throw badInput(`An order has at most ${limits.ORDER_MAX_LINES} lines`, 'lines');
  const merged = new Map<string, number>();
  let total = 0;
  for (const { productId, quantity } of lines) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > limits.ORDER_MAX_QUANTITY) {
      throw badInput(`quantity must be between 1 and ${limits.ORDER_MAX_QUANTITY}`, 'quantity');
    }
    const id = productId.toLowerCase();
    const sum = (merged.get(id) ?? 0) + quantity;
    if (sum > limits.ORDER_MAX_QUANTITY) throw badInput(`An order holds at most ${limits.ORDER_MAX_QUANTITY} units of one product`, 'quantity');
    total += quantity;
    if (total > limits.ORDER_MAX_TOTAL_QUANTITY) throw badInput(`An order holds at most ${limits.ORDER_MAX_TOTAL_QUANTITY} units in all`, 'quantity');
    merged.set(id, sum);
  }
  return merged;
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * What a successful step means for an order in `status`: go on to payment, confirm, void a
 * late authorization of an order already given up, or nothing (a redelivered or stale event).
 */
export function afterStep(status: OrderStatus, event: 'StockReserved' | 'PaymentAuthorized'): 'REQUEST_PAYMENT' | 'CONFIRM' | 'VOID_AGAIN' | 'IGNORE' {
  if (event === 'StockReserved') return status === 'PENDING' ? 'REQUEST_PAYMENT' : 'IGNORE';
  if (status === 'STOCK_RESERVED') return 'CONFIRM';
  return status === 'CANCELLED' ? 'VOID_AGAIN' : 'IGNORE';
}

/** Moves an order on when a step succeeded; ignores events that arrive for a step already past. */
export async function advance(q: Queryable, orderId: string, event: 'StockReserved' | 'PaymentAuthorized'): Promise<void> {
  const order = await store.lockOrder(q, orderId);
  if (!order) return;
  answered(order, 'ok');
  switch (afterStep(order.status, event)) {
    case 'REQUEST_PAYMENT':
      await store.appendEvent(q, orderId, { type: 'StockReserved', status: 'STOCK_RESERVED', deadline: deadline() });
      await recordDomainEvent(q, DOMAIN, {
        type: 'PaymentRequested',
        aggregateId: orderId,
        data: { orderId, customerId: order.customer_id, amount: order.total, currency: order.currency, paymentToken: order.payment_token },
      });
      return;
    case 'CONFIRM':
      await store.appendEvent(q, orderId, { type: 'PaymentAuthorized' });
      await store.appendEvent(q, orderId, { type: 'OrderConfirmed', status: 'CONFIRMED', deadline: null });
      await recordDomainEvent(q, DOMAIN, { type: 'OrderConfirmed', aggregateId: orderId, data: { orderId } });
      return;
    case 'VOID_AGAIN':
      // The authorization came after the order was given up (e.g. timed out): void it again.
      await recordDomainEvent(q, DOMAIN, { type: 'OrderCancelled', aggregateId: orderId, data: { orderId, reason: order.cancellation_reason } });
      return;
  }
}

/** A step answered with a failure (no stock, payment declined): the order is cancelled. */
export async function stepFailed(q: Queryable, orderId: string, reason: string, from: OrderStatus[]): Promise<void> {
  const order = await store.lockOrder(q, orderId);
  if (order && from.includes(order.status)) answered(order, 'failed');
  await cancel(q, orderId, reason, from);
}

/**
 * Cancels an open order (a failed step, a timeout, or the customer) and records the event that
 * makes inventory release the stock and payments void the authorization. `from` limits which
 * statuses this cancellation applies to, so a late failure cannot cancel a confirmed order.
 */
export async function cancel(
  q: Queryable,
  orderId: string,
  reason: string,
  from: OrderStatus[] = ['PENDING', 'STOCK_RESERVED'],
  eventType = 'OrderCancelled',
): Promise<OrderRow | null> {
  const order = await store.lockOrder(q, orderId);
  if (!order || !from.includes(order.status)) return order;
  await store.appendEvent(q, orderId, { type: eventType, detail: reason, status: 'CANCELLED', reason, deadline: null });
  await recordDomainEvent(q, DOMAIN, { type: 'OrderCancelled', aggregateId: orderId, data: { orderId, reason, wasConfirmed: order.status === 'CONFIRMED' } });
  return store.lockOrder(q, orderId);
}

/** When the order's current step began: its deadline minus the step timeout. */
const stepStart = (order: Pick<OrderRow, 'step_deadline'>) => new Date(order.step_deadline!.getTime() - config.SAGA_STEP_TIMEOUT_MS);

/** An answer to the order's current step arrived (for the step clock and its latency metric). */
function answered(order: OrderRow, outcome: 'ok' | 'failed'): void {
  const step = stepOf(order.status);
  if (step && order.step_deadline) stepAnswered(step, stepStart(order), outcome);
}

/**
 * Cancels every open order whose current step ran out of time, unless its request may still be
 * waiting in the step consumer's backlog (step-clock.ts): then the order waits on.
 */
export async function expireOverdue(db: { tx: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T> } & Queryable, bus?: Pick<EventBus, 'lag'>): Promise<number> {
  const ids = await store.overdueOrders(db, config.SAGA_STEP_TIMEOUT_MS);
  if (!ids.length) return 0;
  const backlog = new Map<Step, number>();
  const backlogOf = async (step: Step) => {
    if (!bus) return 0;
    if (!backlog.has(step)) {
      // Unknown (bus away): treated as a backlog, so only the watermark can time the order out.
      const lags = await bus.lag(STEP_CONSUMER[step], [Topics.orders]).catch(() => [{ lag: 1 }]);
      backlog.set(step, lags.reduce((sum, l) => sum + l.lag, 0));
    }
    return backlog.get(step)!;
  };
  // Decided on a plain read first, so orders that must wait cost no locking transaction each tick.
  const { rows } = await db.query<Pick<OrderRow, 'id' | 'status' | 'step_deadline'>>('SELECT id, status, step_deadline FROM orders WHERE id = ANY($1::uuid[])', [ids]);
  const due: string[] = [];
  for (const o of rows) {
    const step = stepOf(o.status);
    if (step && o.step_deadline && mayTimeOut(step, stepStart(o), await backlogOf(step))) due.push(o.id);
  }
  let cancelled = 0;
  for (const id of due) {
    await db.tx(async (q) => {
      const order = await store.lockOrder(q, id);
      if (!order || !order.step_deadline || order.step_deadline > new Date()) return;
      const step = stepOf(order.status);
      if (!step || !mayTimeOut(step, stepStart(order), await backlogOf(step))) return;
      await cancel(q, id, `timed out waiting for ${step === 'reservation' ? 'stock reservation' : 'payment authorization'}`);
      cancelled++;
    });
  }
  return cancelled;
}
