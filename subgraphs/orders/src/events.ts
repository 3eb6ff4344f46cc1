import type { Queryable } from '@cloudlab/kit';
import type { EventEnvelope } from '@cloudlab/kit/events';
import * as saga from './saga';

/** What orders reacts to: the outcome of each saga step, from inventory and payments. */
export const consumes = {
  topics: ['cloudlab.inventory', 'cloudlab.payments'],
  async handle(event: EventEnvelope, q: Queryable): Promise<void> {
    const { orderId, reason } = (event.data ?? {}) as { orderId?: string; reason?: string };
    if (!orderId) return; // not an order step (e.g. StockChanged)
    switch (event.type) {
      case 'StockReserved':
        return saga.advance(q, orderId, 'StockReserved');
      case 'StockReservationFailed':
        await saga.cancel(q, orderId, reason ?? 'insufficient stock', ['PENDING']);
        return;
      case 'PaymentAuthorized':
        return saga.advance(q, orderId, 'PaymentAuthorized');
      case 'PaymentFailed':
        await saga.cancel(q, orderId, reason ?? 'payment declined', ['STOCK_RESERVED']);
        return;
    }
  },
};
