import { Counter, Histogram, registry, type Queryable } from '@cloudlab/kit';
import { handleEvents, recordDomainEvent, type EventEnvelope } from '@cloudlab/kit/events';
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
 * Stores a notice once (its id is derived from the event, kind and recipient) and, only when it is
 * new, records NotificationCreated for the live `notificationAdded` subscribers. The event's time
 * is the notification's, so a replay would write the very same row.
 */
async function notify(q: Queryable, event: EventEnvelope, notice: notices.Notice): Promise<void> {
  const row = await store.insertNotification(q, notices.noticeId(event.id, notice), event.id, notice, event.time);
  if (!row) return;
  created.inc({ kind: notice.kind });
  lag.observe({ kind: notice.kind }, (Date.now() - Date.parse(event.time)) / 1000);
  // Its e-mail, in the same transaction: stored notification ⇔ queued mail (delivery.ts sends it).
  if (notice.recipient.userId) {
    const to = await store.mailTarget(q, notice.recipient.userId, notice.kind, CUSTOMER_KINDS);
    if (to) await store.enqueueEmail(q, row.id, notice.kind, to.email, renderEmail(notice, to, config.STOREFRONT_URL), event.time);
  }
  await recordDomainEvent(q, 'notifications', {
    type: 'NotificationCreated',
    aggregateId: row.user_id ?? row.vendor_id!,
    data: {
      notificationId: row.id, userId: row.user_id, vendorId: row.vendor_id, kind: row.kind, title: row.title,
      body: row.body, link: row.link, createdAt: row.created_at.toISOString(),
    },
  });
}

/**
 * Notifications learns who to tell from these events; each handler runs in one transaction with
 * its inbox record, and every notification it makes is idempotent on its own (see notify), so
 * neither a redelivery nor `pnpm rebuild notifications` makes a second one.
 */
export const consumes = handleEvents({
  UserSignedUp: async (d, q) => store.saveUser(q, d.userId, d.email, d.name),
  OrderPlaced: async (d, q) => {
    const lines = d.lines.map(({ productId, vendorId, quantity }) => ({ productId, vendorId, quantity }));
    await store.saveOrder(q, d.orderId, d.customerId, lines);
    for (const l of lines) await store.saveProduct(q, l.productId, l.vendorId, null);
  },
  ProductCreated: async (d, q) => store.saveProduct(q, d.productId, d.vendorId, d.name),
  ProductUpdated: async (d, q) => store.saveProduct(q, d.productId, d.vendorId, d.name ?? null),
  OrderConfirmed: async (d, q, e) => {
    const order = await store.orderOf(q, d.orderId);
    if (!order) return; // placed before this read model began: nobody to address
    for (const n of notices.orderConfirmed(d.orderId, order.customer_id, order.lines)) await notify(q, e, n);
  },
  OrderCancelled: async (d, q, e) => {
    const order = await store.orderOf(q, d.orderId);
    if (order) await notify(q, e, notices.orderCancelled(d.orderId, order.customer_id, d.reason));
  },
  OrderShipped: async (d, q, e) => notify(q, e, notices.orderShipped(d)),
  PaymentRefunded: async (d, q, e) => {
    const order = await store.orderOf(q, d.orderId);
    if (order) await notify(q, e, notices.paymentRefunded(d.orderId, order.customer_id));
  },
  StockChanged: async (d, q, e) => {
    const threshold = config.NOTIFICATIONS_LOW_STOCK_THRESHOLD;
    const before = await store.stockOf(q, d.productId, true);
    const t = notices.stockTransition(before, d.available, threshold);
    await store.saveStock(q, d.productId, d.available, t.low);
    const product = await store.productOf(q, d.productId);
    if (t.lowCrossed && product) await notify(q, e, notices.lowStock(product.vendor_id, d.productId, product.name, d.available, threshold));
    if (t.orderable) {
      for (const userId of await store.takeWatches(q, d.productId, e.time)) {
        await notify(q, e, notices.backInStock(userId, d.productId, product?.name ?? null));
      }
    }
  },
});
