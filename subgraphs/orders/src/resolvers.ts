import { decodeKeysetCursor, forbidden, pageSize, requireViewer, toConnection, appError, ErrorCode, type SubgraphContext } from '@cloudlab/kit';
import { canSeeOrder, vendorScope, visibleLines } from './access';
import type { Loaders } from './loaders';
import { subscriptionResolvers } from './live';
import * as saga from './saga';
import type { EventRow, LineRow, OrderRow } from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;

/** The order if the viewer may see it; null otherwise (no hint that it exists). */
async function visibleOrder(ctx: Ctx, id: string): Promise<OrderRow | null> {
  const order = await ctx.loaders.order.load(id);
  if (!order) return null;
  return canSeeOrder(ctx.viewer, order, await ctx.loaders.lines.load(order.id)) ? order : null;
}

const money = (amount: string, currency: string) => ({ amount, currency });

export const resolvers = {
  Query: {
    order: (_: unknown, { id }: { id: string }, ctx: Ctx) => visibleOrder(ctx, id),
  },
  Mutation: {
    placeOrder: async (_: unknown, { input }: { input: Parameters<typeof saga.placeOrder>[2] }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      return ctx.db.tx((q) => saga.placeOrder(q, viewer, input));
    },
    cancelOrder: async (_: unknown, { id }: { id: string }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      const order = await visibleOrder(ctx, id);
      if (!order) throw appError(ErrorCode.NOT_FOUND, 'No such order');
      if (order.customer_id !== viewer.userId && viewer.role !== 'ADMIN') throw forbidden('Only the customer or an admin can cancel an order');
      // Any status but CANCELLED (nothing ships yet, so a confirmed order is still undone: refunded
      // and restocked); cancelling a cancelled order answers it as it is.
      const reason = order.customer_id === viewer.userId ? 'cancelled by customer' : 'cancelled by an admin';
      const after = await ctx.db.tx((q) => saga.cancel(q, order.id, reason, ['PENDING', 'STOCK_RESERVED', 'CONFIRMED']));
      return after ?? order;
    },
  },
  ...subscriptionResolvers,
  Order: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => visibleOrder(ctx, ref.id),
    // Vendor staff see their part of a shared order only (access.ts: vendorScope).
    total: (o: OrderRow, _: unknown, ctx: Ctx) => (vendorScope(ctx.viewer, o) === null ? money(o.total, o.currency) : null),
    lines: async (o: OrderRow, _: unknown, ctx: Ctx) => visibleLines(ctx.viewer, o, await ctx.loaders.lines.load(o.id)),
    customer: (o: OrderRow, _: unknown, ctx: Ctx) => (vendorScope(ctx.viewer, o) === null ? { __typename: 'User', id: o.customer_id } : null),
    cancellationReason: (o: OrderRow, _: unknown, ctx: Ctx) => (vendorScope(ctx.viewer, o) === null ? o.cancellation_reason : null),
    history: async (o: OrderRow, _: unknown, ctx: Ctx) => {
      const events = await ctx.loaders.history.load(o.id);
      return vendorScope(ctx.viewer, o) === null ? events : events.map((e) => ({ ...e, detail: null }));
    },
    createdAt: (o: OrderRow) => o.created_at.toISOString(),
  },
  OrderLine: {
    unitPrice: (l: LineRow) => money(l.unit_price, l.currency),
    product: (l: LineRow) => ({ __typename: 'Product', id: l.product_id }),
  },
  OrderEvent: {
    at: (e: EventRow) => e.at.toISOString(),
  },
  User: {
    orders: async (user: { id: string }, args: { first?: number | null; after?: string | null }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.userId !== user.id && viewer.role !== 'ADMIN') throw forbidden("Only the user themself sees their orders");
      const page = { first: pageSize(args.first, 10), after: decodeKeysetCursor(args.after) };
      const rows = await ctx.loaders.customerOrders.load({ key: user.id, args: page });
      for (const row of rows) ctx.loaders.order.prime(row.id, row);
      return {
        ...toConnection(rows, page.first, (r) => [r.created_at.toISOString(), r.id]),
        totalCount: async () => (await ctx.loaders.customerOrderCount.load(user.id))?.n ?? 0,
      };
    },
  },
} satisfies Resolvers;
