import { handleEvents } from '@cloudlab/kit/events';
import { productArchived, productPriced } from './price-list';
import * as saga from './saga';

/** What orders reacts to: the outcome of each saga step, from inventory and payments; catalog's prices. */
export const consumes = handleEvents({
  ProductCreated: (e, q) => productPriced(q, e),
  ProductUpdated: (e, q) => productPriced(q, e),
  ProductArchived: (e, q) => productArchived(q, e),
  StockReserved: ({ orderId }, q) => saga.advance(q, orderId, 'StockReserved'),
  StockReservationFailed: async ({ orderId, reason }, q) => {
    await saga.cancel(q, orderId, reason || 'insufficient stock', ['PENDING']);
  },
  PaymentAuthorized: ({ orderId }, q) => saga.advance(q, orderId, 'PaymentAuthorized'),
  PaymentFailed: async ({ orderId, reason }, q) => {
    await saga.cancel(q, orderId, reason || 'payment declined', ['STOCK_RESERVED']);
  },
});
