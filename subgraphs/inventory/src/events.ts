import { handleEvents } from '@cloudlab/kit/events';
import { commit, release, reserve } from './reservations';

/** What inventory reacts to: orders being placed, confirmed or cancelled. */
export const consumes = handleEvents({
  OrderPlaced: (order, q) => reserve(q, order.orderId, order.lines),
  OrderConfirmed: ({ orderId }, q) => commit(q, orderId),
  OrderCancelled: ({ orderId }, q) => release(q, orderId),
});
