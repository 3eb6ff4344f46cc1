import { decodeKeysetCursor, pageSize, toConnection, type SubgraphContext } from '@cloudlab/kit';
import type { Loaders } from './loaders';
import { archiveProduct, createProduct, updateProduct, type ProductInput, type ProductPatch } from './product-writes';
import * as store from './store';
import type { CategoryRow, ProductRow } from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;
interface PageArgs {
  first?: number | null;
  after?: string | null;
}

// Listings read from the replica when there is one (ctx.readDb); single products by id and
// every write stay on the primary.
async function productPage(ctx: Ctx, args: PageArgs, categoryId: string | null) {
  const first = pageSize(args.first);
  const after = decodeKeysetCursor(args.after);
  const rows = await store.listProducts(ctx.readDb, { limit: first + 1, after, categoryId });
  for (const row of rows) ctx.loaders.product.prime(row.id, row);
  return {
    ...toConnection(rows, first, (r) => [r.created_at.toISOString(), r.id]),
    // Counted only when the client asks for totalCount.
    totalCount: () => store.countProducts(ctx.readDb, categoryId),
  };
}

export const resolvers = {
  Query: {
    products: (_: unknown, args: PageArgs & { categoryId?: string | null }, ctx: Ctx) =>
      productPage(ctx, args, args.categoryId ?? null),
    product: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.loaders.product.load(id),
    categories: (_: unknown, __: unknown, ctx: Ctx) => store.allCategories(ctx.readDb),
  },
  Mutation: {
    createProduct: (_: unknown, { input }: { input: ProductInput }, ctx: Ctx) => ctx.db.tx((q) => createProduct(q, ctx.viewer, input)),
    updateProduct: (_: unknown, { id, patch }: { id: string; patch: ProductPatch }, ctx: Ctx) =>
      ctx.db.tx((q) => updateProduct(q, ctx.viewer, id, patch)),
    archiveProduct: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.db.tx((q) => archiveProduct(q, ctx.viewer, id)),
  },
  Product: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.product.load(ref.id),
    price: (p: ProductRow) => ({ amount: p.price, currency: p.currency }),
    // category_id is a foreign key: the category exists.
    category: async (p: ProductRow, _: unknown, ctx: Ctx) => (await ctx.loaders.category.load(p.category_id))!,
    vendor: (p: ProductRow) => ({ __typename: 'Vendor', id: p.vendor_id }),
    createdAt: (p: ProductRow) => p.created_at.toISOString(),
    archived: (p: ProductRow) => p.archived_at !== null,
  },
  Category: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.category.load(ref.id),
    products: (c: CategoryRow, args: PageArgs, ctx: Ctx) => productPage(ctx, args, c.id),
  },
} satisfies Resolvers;
