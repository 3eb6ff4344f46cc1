import { handleEvents } from '@cloudlab/kit/events';
import { productArchived, productPriced } from './price-list';
import * as saga from './saga';

/** What orders reacts to: the outcome of each saga step, from inventory and payments; catalog's prices. */
export const consumes = handleEvents(
  {
    ProductCreated: (e, q) => productPriced(q, e),
    ProductUpdated: (e, q) => productPriced(q, e),
    ProductArchived: (e, q) => productArchived(q, e),
    StockReserved: ({ orderId }, q) => saga.advance(q, orderId, 'StockReserved'),
    StockReservationFailed: async ({ orderId, reason }, q) => {
      await saga.stepFailed(q, orderId, reason || 'insufficient stock', ['PENDING']);
    },
    PaymentAuthorized: ({ orderId }, q) => saga.advance(q, orderId, 'PaymentAuthorized'),
    PaymentFailed: async ({ orderId, reason }, q) => {
      await saga.stepFailed(q, orderId, reason || 'payment declined', ['STOCK_RESERVED']);
    },
  },
  {
    // A batch touches many orders (from two topics, handled side by side): lock them all first,
    // in id order, so two batches never wait on each other's orders in a cycle.
    prepare: async (events, q) => {
      const ids = [...new Set(events.map((e) => e.aggregateId).filter((id) => UUID.test(id)))].sort();
      if (ids.length > 1) await q.query('SELECT 1 FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
    },
  },
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
