import type { SubgraphContext } from '@cloudlab/kit';
import type { Loaders } from './loaders';
import { subscriptionResolvers } from './live';
import { restock, type RestockArgs } from './restock';
import * as store from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;
interface ProductRef {
  id: string;
}

const NO_STOCK = { available: 0, reserved: 0 };

/** stock and inStock read the same per-request loader, so asking for both costs one statement. */
async function totalsOf(p: ProductRef, ctx: Ctx) {
  const row = await ctx.loaders.stockTotal.load(p.id);
  return row ? { available: row.available, reserved: row.reserved } : NO_STOCK;
}

export const resolvers = {
  Query: {
    warehouses: (_: unknown, __: unknown, ctx: Ctx) => store.allWarehouses(ctx.db),
  },
  Mutation: {
    restock: (_: unknown, args: RestockArgs, ctx: Ctx) =>
      ctx.db.tx((q) => restock(q, ctx.viewer, args)),
  },
  ...subscriptionResolvers,
  Product: {
    // No lookup here: a product the gateway asks only `id` of costs nothing, and unknown ids
    // are simply unstocked (catalog decides whether a product exists).
    __resolveReference: (ref: ProductRef): ProductRef => ({ id: ref.id }),
    stock: (p: ProductRef, _: unknown, ctx: Ctx) => totalsOf(p, ctx),
    inStock: async (p: ProductRef, _: unknown, ctx: Ctx) => (await totalsOf(p, ctx)).available > 0,
  },
} satisfies Resolvers;
