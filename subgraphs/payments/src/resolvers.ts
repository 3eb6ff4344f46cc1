import type { SubgraphContext, Viewer } from '@cloudlab/kit';
import type { Loaders } from './loaders';
import type { PaymentRow } from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;

/** Payments are private: the paying customer and admins see them, nobody else. */
const visible = (viewer: Viewer | null, p: PaymentRow | null) =>
  p && viewer && (viewer.role === 'ADMIN' || viewer.userId === p.customer_id) ? p : null;

export const resolvers = {
  Query: {
    payment: async (_: unknown, { id }: { id: string }, ctx: Ctx) => visible(ctx.viewer, await ctx.loaders.payment.load(id)),
  },
  Payment: {
    __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx.viewer, await ctx.loaders.payment.load(ref.id)),
    amount: (p: PaymentRow) => ({ amount: p.amount, currency: p.currency }),
    declineReason: (p: PaymentRow) => p.decline_reason,
    createdAt: (p: PaymentRow) => p.created_at.toISOString(),
  },
  Order: {
    payment: async (order: { id: string }, _: unknown, ctx: Ctx) => visible(ctx.viewer, await ctx.loaders.paymentOfOrder.load(order.id)),
  },
} satisfies Resolvers;
