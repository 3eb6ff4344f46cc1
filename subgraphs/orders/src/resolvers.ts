import { badInput, decodeKeysetCursor, forbidden, isUuid, pageSize, requireViewer, toConnection, appError, ErrorCode, type SubgraphContext } from '@cloudlab/kit';
import { canSeeOrder, partOf, vendorScope } from './access';
import type { Loaders } from './loaders';
import { subscriptionResolvers } from './live';
import * as saga from './saga';
import { shipOrder } from './shipping';
import type { EventRow, LineRow, OrderRow, ShipmentRow } from './store';
import * as store from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;

/** The order if the viewer may see it; null otherwise (no hint that it exists). */
async function visibleOrder(ctx: Ctx, id: string): Promise<OrderRow | null> {
  const order = await ctx.loaders.order.load(id);
  if (!order) return null;
  return canSeeOrder(ctx.viewer, order, await ctx.loaders.lines.load(order.id)) ? order : null;
}

const money = (amount: string, currency: string) => ({ amount, currency });

/** An order listed under Vendor.orders carries that vendor: even an admin sees only its part there. */
type Listed = OrderRow & { listedFor?: string };
const scopeOf = (ctx: Ctx, o: Listed) => o.listedFor ?? vendorScope(ctx.viewer, o);

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
      // Goods on their way cannot be called back: an order with any shipment is refused (checked
      // under the order's lock, so a shipment cannot slip in between). A confirmed, unshipped one is
      // undone: restocked, its authorization voided. Cancelling a cancelled order answers it as it is.
      const reason = order.customer_id === viewer.userId ? 'cancelled by customer' : 'cancelled by an admin';
      const after = await ctx.db.tx(async (q) => {
        const locked = await store.lockOrder(q, order.id);
        if (locked?.status === 'SHIPPED' || (await store.shipmentsByOrders(q, [order.id])).length > 0) {
          throw badInput('This order has already shipped (in part or in whole) and can no longer be cancelled', 'id');
        }
        return saga.cancel(q, order.id, reason, ['PENDING', 'STOCK_RESERVED', 'CONFIRMED']);
      });
      return after ?? order;
    },
    shipOrder: (_: unknown, args: { orderId: string; carrier: string; trackingNumber: string }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      return ctx.db.tx((q) => shipOrder(q, viewer, args));
    },
  },
  ...subscriptionResolvers,
  Order: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => visibleOrder(ctx, ref.id),
    // Vendor staff see their part of a shared order only (access.ts: vendorScope).
    total: (o: OrderRow, _: unknown, ctx: Ctx) => (scopeOf(ctx, o) === null ? money(o.total, o.currency) : null),
    lines: async (o: OrderRow, _: unknown, ctx: Ctx) => partOf(scopeOf(ctx, o), await ctx.loaders.lines.load(o.id)),
    customer: (o: OrderRow, _: unknown, ctx: Ctx) => (scopeOf(ctx, o) === null ? { __typename: 'User', id: o.customer_id } : null),
    cancellationReason: (o: OrderRow, _: unknown, ctx: Ctx) => (scopeOf(ctx, o) === null ? o.cancellation_reason : null),
    history: async (o: OrderRow, _: unknown, ctx: Ctx) => {
      const events = await ctx.loaders.history.load(o.id);
      return scopeOf(ctx, o) === null ? events : events.map((e) => ({ ...e, detail: null }));
    },
    shipments: async (o: OrderRow, _: unknown, ctx: Ctx) => partOf(scopeOf(ctx, o), await ctx.loaders.shipments.load(o.id)),
    createdAt: (o: OrderRow) => o.created_at.toISOString(),
  },
  Shipment: {
    vendor: (s: ShipmentRow) => ({ __typename: 'Vendor' as const, id: s.vendor_id }),
    trackingNumber: (s: ShipmentRow) => s.tracking_number,
    shippedAt: (s: ShipmentRow) => s.shipped_at.toISOString(),
  },
  OrderLine: {
    unitPrice: (l: LineRow) => money(l.unit_price, l.currency),
    product: (l: LineRow) => ({ __typename: 'Product', id: l.product_id }),
  },
  OrderEvent: {
    at: (e: EventRow) => e.at.toISOString(),
  },
  Vendor: {
    // Staff of this vendor and admins; each order shows this vendor's part only (scopeOf).
    orders: async (vendor: { id: string }, args: { first?: number | null; after?: string | null }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.role !== 'ADMIN' && viewer.vendorId !== vendor.id) throw forbidden("Only this vendor's staff see its orders");
      const page = { first: pageSize(args.first, 20), after: decodeKeysetCursor(args.after) };
      const rows = isUuid(vendor.id) ? await store.ordersOfVendor(ctx.db, vendor.id, page) : [];
      for (const row of rows) ctx.loaders.order.prime(row.id, row);
      return {
        ...toConnection(
          rows.map((r): Listed => ({ ...r, listedFor: vendor.id })),
          page.first,
          (r) => [r.created_at.toISOString(), r.id],
        ),
        totalCount: () => (isUuid(vendor.id) ? store.countOrdersOfVendor(ctx.db, vendor.id) : Promise.resolve(0)),
      };
    },
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
