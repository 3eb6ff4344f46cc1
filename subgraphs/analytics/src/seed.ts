import { demoId, type DemoPlan, type Queryable } from '@cloudlab/kit';
import { rngFor } from '@cloudlab/kit/demo/random';
import { recordDomainEvents } from '@cloudlab/kit/events';
import { config } from './config';

const DAY = 86_400_000;

/**
 * Demo history as events, so a rebuild reproduces it: ANALYTICS_DEMO_ORDERS past orders of the
 * demo products over the ANALYTICS_DEMO_DAYS days before today (UTC; today itself stays empty for
 * live orders), each one `HistoricOrderImported` in analytics' own outbox. They never were orders
 * in the orders subgraph (no stock, no payment): an import of sales from before the marketplace's
 * log. Order ids are deterministic, so seeding again adds nothing to the totals.
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const today = Date.parse(new Date().toISOString().slice(0, 10));
  const products = plan.sizes.products;
  const events: Parameters<typeof recordDomainEvents<'analytics', 'HistoricOrderImported'>>[2] = [];
  for (let i = 0; i < config.ANALYTICS_DEMO_ORDERS && products > 0; i++) {
    const r = rngFor('historic-order', i, plan.sizes.seed);
    const placedAt = new Date(today - r.int(1, config.ANALYTICS_DEMO_DAYS) * DAY + r.int(0, DAY - 1)).toISOString();
    // Neighbouring products are bought together more often, so also-bought has a pattern to show.
    const first = r.int(0, products - 1);
    const count = r.int(1, 3);
    const indexes = [...new Set(Array.from({ length: count }, (_, k) => (k === 0 ? first : (first + r.int(1, 3)) % products)))];
    const lines = indexes.map((index) => {
      const p = plan.product(index);
      return { productId: p.id, vendorId: p.vendorId, quantity: r.int(1, 3), unitPrice: p.price };
    });
    const orderId = demoId('historic-order', i);
    events.push({
      type: 'HistoricOrderImported',
      aggregateId: orderId,
      data: { orderId, placedAt, currency: 'EUR', outcome: r.next() < 0.92 ? 'CONFIRMED' : 'CANCELLED', lines },
    });
  }
  // One statement for the whole history (one round trip per event cost ~1 s of a cold start).
  await recordDomainEvents(q, 'analytics', events);
}
