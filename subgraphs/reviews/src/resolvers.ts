import { decodeKeysetCursor, pageSize, requireViewer, toConnection, type MercuriusResolvers, type SubgraphContext } from '@cloudlab/kit';
import type { Loaders, PageKey } from './loaders';
import { deleteReview, updateReview, writeReview } from './review-writes';
import type { ReviewRow } from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;
interface PageArgs {
  first?: number | null;
  after?: string | null;
}
interface EntityRef {
  id: string;
}

/** Checks the arguments before they become a batch key, so a forged cursor is a 400, not an SQL error. */
function pageKey(args: PageArgs): PageKey {
  const first = pageSize(args.first, 10);
  return { first, after: decodeKeysetCursor(args.after) };
}

async function reviewPage(
  ctx: Ctx,
  loader: Loaders['productReviews'],
  ownerId: string,
  args: PageArgs,
  totalCount: () => Promise<number>,
) {
  const page = pageKey(args);
  const rows = await loader.load({ key: ownerId, args: page });
  for (const row of rows) ctx.loaders.review.prime(row.id, row);
  return { ...toConnection(rows, page.first, (r) => [r.created_at.toISOString(), r.id]), totalCount };
}

// A product's count shares the rating loader with averageRating and reviewCount: one statement for all three.
const productReviewCount = async (id: string, ctx: Ctx) => (await ctx.loaders.productRating.load(id))?.review_count ?? 0;
const authorReviewCount = async (id: string, ctx: Ctx) => (await ctx.loaders.authorCount.load(id))?.review_count ?? 0;

export const resolvers = {
  Query: {
    review: (_: unknown, { id }: EntityRef, ctx: Ctx) => ctx.loaders.review.load(id),
  },
  Mutation: {
    writeReview: (_: unknown, { input }: { input: { productId: string; rating: number; body: string } }, ctx: Ctx) =>
      writeReview(ctx.db, requireViewer(ctx.viewer), input),
    updateReview: (_: unknown, args: { id: string; patch: { rating?: number | null; body?: string | null } }, ctx: Ctx) =>
      updateReview(ctx.db, requireViewer(ctx.viewer), args.id, args.patch),
    deleteReview: async (_: unknown, { id }: EntityRef, ctx: Ctx) => {
      const deleted = await deleteReview(ctx.db, requireViewer(ctx.viewer), id);
      return { id: deleted.id, product: { __typename: 'Product', id: deleted.product_id } };
    },
  },
  // mercurius calls __resolveReference(ref, args, context, info), unlike Apollo's (ref, context).
  Review: {
    __resolveReference: (ref: EntityRef, _: unknown, ctx: Ctx) => ctx.loaders.review.load(ref.id),
    createdAt: (r: ReviewRow) => r.created_at.toISOString(),
    verifiedPurchase: (r: ReviewRow) => r.verified_purchase,
    author: (r: ReviewRow) => ({ __typename: 'User', id: r.author_id }),
    product: (r: ReviewRow) => ({ __typename: 'Product', id: r.product_id }),
  },
  Product: {
    // No lookup: every field below batches on its own, and catalog decides whether a product exists.
    __resolveReference: (ref: EntityRef): EntityRef => ({ id: ref.id }),
    reviews: (p: EntityRef, args: PageArgs, ctx: Ctx) =>
      reviewPage(ctx, ctx.loaders.productReviews, p.id, args, () => productReviewCount(p.id, ctx)),
    averageRating: async (p: EntityRef, _: unknown, ctx: Ctx) => {
      const rating = await ctx.loaders.productRating.load(p.id);
      return rating ? Number(rating.average_rating) : null;
    },
    reviewCount: (p: EntityRef, _: unknown, ctx: Ctx) => productReviewCount(p.id, ctx),
  },
  User: {
    __resolveReference: (ref: EntityRef): EntityRef => ({ id: ref.id }),
    reviews: (u: EntityRef, args: PageArgs, ctx: Ctx) =>
      reviewPage(ctx, ctx.loaders.authorReviews, u.id, args, () => authorReviewCount(u.id, ctx)),
  },
  ReviewConnection: {
    // Counted only when the client asks for totalCount. Called explicitly rather than left to the
    // default resolver: graphql-js would call the function, but graphql-jit (mercurius' `jit`
    // option) reads the property as it is.
    totalCount: (c: { totalCount: () => Promise<number> }) => c.totalCount(),
  },
} satisfies MercuriusResolvers<Resolvers>;
