import type { EventData, EventEnvelope } from '@cloudlab/kit/events';
import * as notices from './notices';
import type { KnownOrder, KnownProduct, Recipient, StockLevel } from './store';

/**
 * A consumer batch of notifications, planned in memory: what the events of one transaction (up to
 * EVENT_CONSUMER_MAX_BATCH, in order per key) tell whom, and what they teach the read model, with
 * the same outcome as applying them one by one, so that the batch costs a few statements
 * (events.ts: one lookup per table, one multi-row write per table) instead of several per event.
 */
export type BatchItem = {
  [T in Handled]: { type: T; data: EventData<T>; event: EventEnvelope };
}[Handled];
type Handled =
  | 'UserSignedUp' | 'OrderPlaced' | 'ProductCreated' | 'ProductUpdated' | 'OrderConfirmed' | 'OrderCancelled'
  | 'OrderShipped' | 'PaymentRefunded' | 'StockChanged';

/** What the batch must read before it can be planned (one statement each). */
export interface BatchNeeds {
  /** Orders whose customer (and lines) a notice needs. */
  orderIds: string[];
  /** Products whose last stock total (locked) a StockChanged needs, sorted. */
  stockProductIds: string[];
  /** Products whose vendor/name the batch needs: those of its StockChanged and of its order lines (unchanged ones are not written). */
  productIds: string[];
  /** StockChanged with something available, in batch order: each may end watches (store.takeWatches). */
  restocks: { productId: string; at: string; item: number }[];
}

export function needsOf(items: readonly BatchItem[]): BatchNeeds {
  const orderIds = new Set<string>();
  const stock = new Set<string>();
  const products = new Set<string>();
  const restocks: BatchNeeds['restocks'] = [];
  items.forEach((it, i) => {
    if (it.type === 'OrderPlaced') for (const l of it.data.lines) products.add(l.productId);
    if (it.type === 'OrderConfirmed' || it.type === 'OrderCancelled' || it.type === 'PaymentRefunded') orderIds.add(it.data.orderId);
    if (it.type === 'StockChanged') {
      stock.add(it.data.productId);
      products.add(it.data.productId);
      if (notices.stockTransition(null, it.data.available, 1).orderable) restocks.push({ productId: it.data.productId, at: it.event.time, item: i });
    }
  });
  return { orderIds: [...orderIds], stockProductIds: [...stock].sort(), productIds: [...products], restocks };
}

/** What the database knew when the batch began (its needs, read in the batch's transaction). */
export interface Known {
  orders: Map<string, KnownOrder>;
  stock: Map<string, StockLevel>;
  products: Map<string, KnownProduct>;
  /** Watches ended by the batch's restocks; `n`: 1-based position in BatchNeeds.restocks. */
  watches: { user_id: string; product_id: string; n: number }[];
}

/** A notice with the event that made it and that event's position in the batch. */
export interface PlannedNotice {
  notice: notices.Notice;
  event: EventEnvelope;
  item: number;
}

export interface BatchPlan {
  notices: PlannedNotice[];
  /** Read-model writes, one row per key (their final state after the batch). */
  users: Map<string, { email: string; name: string }>;
  orders: Map<string, { customerId: string; lines: notices.OrderLine[] }>;
  products: Map<string, { vendorId: string; name: string | null }>;
  stock: Map<string, StockLevel>;
  /** UserSignedUp in batch order: an address learnt at item i serves notices of later items only. */
  signups: { userId: string; email: string; name: string; item: number }[];
}

/**
 * Applies the batch's events in order to what was known: the notices each event makes and the
 * read model's final rows. Mirrors the one-event-at-a-time rules: the first OrderPlaced of an
 * order counts; a product keeps its last vendor and last known name; LOW_STOCK once per crossing
 * (notices.stockTransition, chained through the batch); a watch is answered by the first restock
 * of its product after it (the lookup did that, see store.takeWatches).
 */
export function planBatch(items: readonly BatchItem[], known: Known, needs: BatchNeeds, threshold: number): BatchPlan {
  const plan: BatchPlan = { notices: [], users: new Map(), orders: new Map(), products: new Map(), stock: new Map(), signups: [] };
  const orders = new Map(known.orders);
  const products = new Map(known.products);
  const stock = new Map(known.stock);
  const watchers = new Map<number, string[]>(); // batch item → users whose watch it answers
  for (const w of known.watches) {
    const item = needs.restocks[w.n - 1]?.item;
    if (item === undefined) throw new Error(`watch answered by unknown restock ${w.n}`);
    watchers.set(item, [...(watchers.get(item) ?? []), w.user_id]);
  }
  const learnProduct = (productId: string, vendorId: string, name: string | null) => {
    const now = products.get(productId);
    // An order line naming the vendor already known changes nothing: no write, so batches of
    // orders for the same popular products do not queue on those rows' locks.
    if (name === null && now?.vendor_id === vendorId) return;
    const write = plan.products.get(productId);
    plan.products.set(productId, { vendorId, name: name ?? write?.name ?? null });
    products.set(productId, { vendor_id: vendorId, name: name ?? now?.name ?? null });
  };
  items.forEach((it, item) => {
    const add = (notice: notices.Notice) => plan.notices.push({ notice, event: it.event, item });
    switch (it.type) {
      case 'UserSignedUp':
        plan.users.set(it.data.userId, { email: it.data.email, name: it.data.name });
        plan.signups.push({ userId: it.data.userId, email: it.data.email, name: it.data.name, item });
        break;
      case 'OrderPlaced': {
        const lines = it.data.lines.map(({ productId, vendorId, quantity }) => ({ productId, vendorId, quantity }));
        if (!orders.has(it.data.orderId)) {
          orders.set(it.data.orderId, { customer_id: it.data.customerId, lines });
          plan.orders.set(it.data.orderId, { customerId: it.data.customerId, lines });
        }
        for (const l of lines) learnProduct(l.productId, l.vendorId, null);
        break;
      }
      case 'ProductCreated':
        learnProduct(it.data.productId, it.data.vendorId, it.data.name);
        break;
      case 'ProductUpdated':
        learnProduct(it.data.productId, it.data.vendorId, it.data.name ?? null);
        break;
      case 'OrderConfirmed': {
        const order = orders.get(it.data.orderId);
        // Placed before this read model began: nobody to address.
        if (order) notices.orderConfirmed(it.data.orderId, order.customer_id, order.lines).forEach(add);
        break;
      }
      case 'OrderCancelled': {
        const order = orders.get(it.data.orderId);
        if (order) add(notices.orderCancelled(it.data.orderId, order.customer_id, it.data.reason));
        break;
      }
      case 'OrderShipped':
        add(notices.orderShipped(it.data));
        break;
      case 'PaymentRefunded': {
        const order = orders.get(it.data.orderId);
        if (order) add(notices.paymentRefunded(it.data.orderId, order.customer_id));
        break;
      }
      case 'StockChanged': {
        const { productId, available } = it.data;
        const t = notices.stockTransition(stock.get(productId) ?? null, available, threshold);
        stock.set(productId, { available, low: t.low });
        plan.stock.set(productId, { available, low: t.low });
        const product = products.get(productId);
        if (t.lowCrossed && product) add(notices.lowStock(product.vendor_id, productId, product.name, available, threshold));
        for (const userId of watchers.get(item) ?? []) add(notices.backInStock(userId, productId, product?.name ?? null));
        break;
      }
    }
  });
  return plan;
}

/**
 * Where a user's notice made at batch item `item` is mailed, if at all: the address the user had
 * then (a UserSignedUp earlier in the batch, else what was known before it), if they want this
 * kind by e-mail (their choice, or `defaults`).
 */
export function mailTarget(
  userId: string, kind: string, item: number, known: Recipient | undefined, signups: BatchPlan['signups'], defaults: readonly string[],
): { email: string; name: string } | null {
  let to = known?.email != null ? { email: known.email, name: known.name ?? '' } : null;
  for (const s of signups) if (s.userId === userId && s.item < item) to = { email: s.email, name: s.name };
  if (!to) return null;
  return (known?.email_kinds ?? defaults).includes(kind) ? to : null;
}
