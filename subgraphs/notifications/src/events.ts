import { Counter, Histogram, registry, type Queryable } from '@cloudlab/kit';
import { handleEvents, recordDomainEvents } from '@cloudlab/kit/events';
import { mailTarget, needsOf, planBatch, type BatchItem } from './batch';
import { config } from './config';
import { CUSTOMER_KINDS, renderEmail } from './email';
import * as notices from './notices';
import * as store from './store';

const created = new Counter({
  name: 'cloudlab_notifications_created_total',
  help: 'Notifications stored, by kind (a redelivered or replayed event adds none)',
  labelNames: ['kind'],
  registers: [registry],
});

const lag = new Histogram({
  name: 'cloudlab_notification_lag_seconds',
  help: 'From the event that made a notification to the notification stored (and announced for notificationAdded), by kind',
  labelNames: ['kind'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});

/**
 * The events of the batch in hand (keyed by its transaction), collected by the handlers in order
 * and applied together at its end (`finish`: applyBatch).
 */
const batches = new WeakMap<Queryable, BatchItem[]>();
const collect = async (q: Queryable, item: BatchItem): Promise<void> => {
  let items = batches.get(q);
  if (!items) batches.set(q, (items = []));
  items.push(item);
};

/**
 * A batch's work in a fixed number of statements, whatever its size: read what it needs (orders'
 * customers and lines, products' stock totals locked and vendors/names, the watches its restocks
 * end), plan it in memory (batch.ts), read the recipients' addresses and preferences, write the
 * read model, then the notifications (a notification's id is derived from event, kind and
 * recipient, so a redelivered or replayed event inserts nothing: ON CONFLICT DO NOTHING), and for
 * the new ones only their mail (rendered only for mail that goes) and NotificationCreated for the
 * live `notificationAdded` subscribers, published by the outbox relay after the commit. All in the
 * transaction that records the batch in the inbox: stored notification ⇔ queued mail ⇔ announced.
 */
export async function applyBatch(q: Queryable, items: BatchItem[], threshold = config.NOTIFICATIONS_LOW_STOCK_THRESHOLD): Promise<void> {
  const needs = needsOf(items);
  const orders = await store.ordersOf(q, needs.orderIds);
  const stock = await store.lockStock(q, needs.stockProductIds);
  const products = await store.productsOf(q, needs.productIds);
  const watches = await store.takeWatches(q, needs.restocks);
  const plan = planBatch(items, { orders, stock, products, watches }, needs, threshold);

  const userIds = [...new Set(plan.notices.flatMap((p) => (p.notice.recipient.userId ? [p.notice.recipient.userId] : [])))];
  // Read before this batch's signups are written: mailTarget applies them in event order.
  const recipients = await store.recipientsOf(q, userIds);
  await store.saveUsers(q, plan.users);
  await store.saveOrders(q, plan.orders);
  await store.saveProducts(q, plan.products);
  await store.saveStock(q, plan.stock);

  const byId = new Map(plan.notices.map((p) => [notices.noticeId(p.event.id, p.notice), p]));
  const rows = await store.insertNotifications(q, [...byId].map(([id, p]) => ({ id, eventId: p.event.id, notice: p.notice, at: p.event.time })));
  if (!rows.length) return;
  const fresh = new Map(rows.map((r) => [r.id, r]));
  const now = Date.now();
  const mails: store.NewEmail[] = [];
  const announced: store.NotificationRow[] = [];
  for (const [id, p] of byId) {
    const row = fresh.get(id);
    if (!row) continue; // made before: a redelivery or a replay
    announced.push(row);
    created.inc({ kind: p.notice.kind });
    lag.observe({ kind: p.notice.kind }, (now - Date.parse(p.event.time)) / 1000);
    const userId = p.notice.recipient.userId;
    const to = userId ? mailTarget(userId, p.notice.kind, p.item, recipients.get(userId), plan.signups, CUSTOMER_KINDS) : null;
    if (to) mails.push({ notificationId: id, kind: p.notice.kind, to: to.email, mail: renderEmail(p.notice, to, config.STOREFRONT_URL), eventTime: p.event.time });
  }
  await store.enqueueEmails(q, mails);
  await recordDomainEvents(
    q,
    'notifications',
    announced.map((row) => ({
      type: 'NotificationCreated' as const,
      aggregateId: row.user_id ?? row.vendor_id!,
      data: {
        notificationId: row.id, userId: row.user_id, vendorId: row.vendor_id, kind: row.kind, title: row.title,
        body: row.body, link: row.link, createdAt: row.created_at.toISOString(),
      },
    })),
  );
}

async function finish(q: Queryable): Promise<void> {
  const items = batches.get(q);
  batches.delete(q);
  if (items?.length) await applyBatch(q, items);
}

/**
 * Notifications learns who to tell from these events. The handlers only collect the parsed
 * events; the batch is applied at its end in its inbox transaction (applyBatch), so neither a
 * redelivery (the inbox, and the derived ids) nor `pnpm rebuild notifications` makes a second
 * notification, mail or announcement.
 */
export const consumes = handleEvents(
  {
    UserSignedUp: (data, q, event) => collect(q, { type: 'UserSignedUp', data, event }),
    OrderPlaced: (data, q, event) => collect(q, { type: 'OrderPlaced', data, event }),
    ProductCreated: (data, q, event) => collect(q, { type: 'ProductCreated', data, event }),
    ProductUpdated: (data, q, event) => collect(q, { type: 'ProductUpdated', data, event }),
    OrderConfirmed: (data, q, event) => collect(q, { type: 'OrderConfirmed', data, event }),
    OrderCancelled: (data, q, event) => collect(q, { type: 'OrderCancelled', data, event }),
    OrderShipped: (data, q, event) => collect(q, { type: 'OrderShipped', data, event }),
    PaymentRefunded: (data, q, event) => collect(q, { type: 'PaymentRefunded', data, event }),
    StockChanged: (data, q, event) => collect(q, { type: 'StockChanged', data, event }),
  },
  { finish },
);
