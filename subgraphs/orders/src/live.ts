import { forbidden, isUuid, pushIterator, requireViewer, type SubgraphContext } from '@cloudlab/kit';
import { Topics, type EventEnvelope } from '@cloudlab/kit/events';
import { canSeeOrder } from './access';
import * as store from './store';
import type { OrderRow, OrderStatus } from './store';

export const LIVE_TOPICS = [Topics.orders];

/**
 * The status each of orders' own events moves an order to. Every status change the saga makes
 * records one of these in the same transaction (OrderPlaced, PaymentRequested on STOCK_RESERVED,
 * OrderConfirmed, OrderShipped, OrderCancelled), so following the topic follows the history.
 */
const STATUS_OF: Record<string, OrderStatus> = {
  OrderPlaced: 'PENDING',
  PaymentRequested: 'STOCK_RESERVED',
  OrderConfirmed: 'CONFIRMED',
  OrderShipped: 'SHIPPED',
  OrderCancelled: 'CANCELLED',
};
// An order only ever moves forward through these (a confirmed, unshipped order may still be
// cancelled); SHIPPED and CANCELLED are both final, so neither follows the other.
const RANK: Record<OrderStatus, number> = { PENDING: 0, STOCK_RESERVED: 1, CONFIRMED: 2, SHIPPED: 3, CANCELLED: 3 };

/**
 * Decides what a follower of one order sees: the order as it is when the subscription starts,
 * then each later status once, in order. Events that arrive late or twice (at-least-once
 * delivery, or already reflected in the first snapshot) never move the stream backwards.
 */
export function statusStream(initial: OrderStatus) {
  let rank = RANK[initial];
  return {
    /** The status to emit for this event, or undefined when it adds nothing. */
    next(event: Pick<EventEnvelope, 'type'>): OrderStatus | undefined {
      const status = STATUS_OF[event.type];
      if (!status || RANK[status] <= rank) return undefined;
      rank = RANK[status];
      return status;
    },
    get finished() {
      return rank === RANK.CANCELLED; // = RANK.SHIPPED: every final status
    },
  };
}

/**
 * `orderStatusChanged`: the order's customer, staff of a vendor with products in it, and admins
 * may follow it; anyone else gets FORBIDDEN (also for an order that does not exist, which gives
 * nothing away). The stream ends after SHIPPED or CANCELLED, which nothing can follow.
 */
export const subscriptionResolvers = {
  Subscription: {
    orderStatusChanged: {
      subscribe: async (_: unknown, { orderId }: { orderId: string }, ctx: SubgraphContext) => {
        const viewer = requireViewer(ctx.viewer);
        if (!ctx.live) throw new Error('orderStatusChanged needs the graphql-ws endpoint');
        const id = orderId.toLowerCase();
        const notAllowed = () => forbidden('You may not follow this order');
        if (!isUuid(id)) throw notAllowed();
        // Listen first, then read: a transition committed in between is seen by one or the other.
        const events = ctx.live.listen((e) => e.aggregateId === id && e.type in STATUS_OF);
        try {
          const [order] = await store.ordersByIds(ctx.db, [id]);
          if (!order || !canSeeOrder(viewer, order, await store.linesByOrders(ctx.db, [id]))) throw notAllowed();
          return follow(order, events, ctx);
        } catch (err) {
          await events.return();
          throw err;
        }
      },
      resolve: (order: OrderRow) => order,
    },
  },
};

function follow(order: OrderRow, events: AsyncGenerator<EventEnvelope, void, undefined>, ctx: SubgraphContext) {
  const out = pushIterator<OrderRow>({ onClose: () => void events.return() });
  const stream = statusStream(order.status);
  out.push(order);
  if (stream.finished) {
    out.end();
    return out;
  }
  void (async () => {
    try {
      for await (const event of events) {
        const status = stream.next(event);
        if (!status) continue;
        // The rest of the order as it is now; the status is the one this transition set, so
        // followers see every step even when the saga has already moved past it.
        const [now] = await store.ordersByIds(ctx.db, [order.id]);
        out.push({ ...(now ?? order), status });
        if (stream.finished) break;
      }
      out.end();
    } catch (err) {
      ctx.log.warn({ err, orderId: order.id }, 'orderStatusChanged: stream failed');
      out.end(err);
    }
  })();
  return out;
}
