import type { Queryable } from '@cloudlab/kit';
import type { EventEnvelope } from '@cloudlab/kit/events';
import { commit, release, reserve, type OrderLine } from './reservations';

/** What inventory reacts to: orders being placed, confirmed or cancelled. */
export const consumes = {
  topics: ['cloudlab.orders'],
  async handle(event: EventEnvelope, q: Queryable): Promise<void> {
    const data = event.data as { orderId: string; lines?: OrderLine[] };
    switch (event.type) {
      case 'OrderPlaced':
        return reserve(q, data.orderId, data.lines ?? []);
      case 'OrderConfirmed':
        return commit(q, data.orderId);
      case 'OrderCancelled':
        return release(q, data.orderId);
    }
  },
};
