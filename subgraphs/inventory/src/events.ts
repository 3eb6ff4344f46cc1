import { handleEvents } from '@cloudlab/kit/events';
import { commit, finishBatch, lockStockForBatch, release, reserve } from './reservations';
import { listProduct } from './store';

/** What inventory reacts to: orders being placed, confirmed or cancelled; products being listed. */
export const consumes = handleEvents(
  {
    ProductCreated: ({ productId, vendorId }, q) => listProduct(q, productId, vendorId),
    OrderPlaced: (order, q) => reserve(q, order.orderId, order.lines),
    OrderConfirmed: ({ orderId }, q) => commit(q, orderId),
    OrderCancelled: ({ orderId }, q) => release(q, orderId),
  },
  // Many orders per transaction: their stock rows are locked first, in one order, and each
  // product's new totals are announced once at the end (reservations.ts).
  { prepare: (events, q) => lockStockForBatch(q, events), finish: finishBatch },
);
