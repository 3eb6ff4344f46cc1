import { handleEvents } from '@cloudlab/kit/events';
import * as saga from './saga';

/** What orders reacts to: the outcome of each saga step, from inventory and payments. */
export const consumes = handleEvents({
  StockReserved: ({ orderId }, q) => saga.advance(q, orderId, 'StockReserved'),
  StockReservationFailed: async ({ orderId, reason }, q) => {
    await saga.cancel(q, orderId, reason || 'insufficient stock', ['PENDING']);
  },
  PaymentAuthorized: ({ orderId }, q) => saga.advance(q, orderId, 'PaymentAuthorized'),
  PaymentFailed: async ({ orderId, reason }, q) => {
    await saga.cancel(q, orderId, reason || 'payment declined', ['STOCK_RESERVED']);
  },
});
