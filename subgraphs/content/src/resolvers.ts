import { badInput, unauthenticated, type Viewer } from '@cloudlab/kit';
import type { Context } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { demoVariants } from './demo-images';
import * as media from './media-service';
import type { MediaDeps } from './media-service';

const signedIn = (ctx: Context): Viewer => {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
};

/** The resolvers over the media service; `deps` (storage, limits) are fixed when the server starts. */
export function createResolvers(deps: () => Omit<MediaDeps, 'db' | 'log'>) {
  const with_ = (ctx: Context): MediaDeps => ({ ...deps(), db: ctx.db, log: ctx.log });
  return {
    Mutation: {
      createProductImageUpload: (_, args, ctx) => media.createUpload(with_(ctx), signedIn(ctx), args),
      confirmMediaUpload: (_, args, ctx) => media.confirmUpload(with_(ctx), signedIn(ctx), args),
      reorderProductImages: (_, args, ctx) => media.reorderImages(with_(ctx), signedIn(ctx), { productId: args.productId, mediaIds: [...args.mediaIds] }),
      deleteProductImage: (_, { mediaId }, ctx) => media.deleteImage(with_(ctx), signedIn(ctx), mediaId),
      updateProductImageAlt: (_, args, ctx) => media.updateAlt(with_(ctx), signedIn(ctx), args),
    },
    Media: {
      __resolveReference: (ref, ctx) => ctx.loaders.media.load(ref.id),
      width: (m) => m.width,
      height: (m) => m.height,
      variants: (m) => (m.demo_index !== null && m.demo_seed !== null ? demoVariants(m.demo_seed, m.demo_index) : m.variants),
      product: (m) => ({ __typename: 'Product', id: m.product_id }),
    },
    MediaVariant: {
      url: (v) => `${publicUrl()}/media/files/${v.key}`,
    },
    Product: {
      __resolveReference: (ref) => ({ id: ref.id }),
      images: async (p, { first }, ctx) => {
        if (first != null && first < 0) throw badInput('first must be 0 or more', 'first');
        const images = await ctx.loaders.images.load(p.id);
        return first == null ? images : images.slice(0, first);
      },
    },
  } satisfies Resolvers;
}

let base = 'http://127.0.0.1';
/** Variant URLs are made when served, from MEDIA_PUBLIC_URL (a CDN's origin can change without touching rows). */
export const setPublicUrl = (url: string) => void (base = url);
const publicUrl = () => base;
