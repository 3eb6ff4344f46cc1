import '@cloudlab/kit/telemetry/register';
import { createLogger, runSubgraph, seedSizes, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { config } from './config';
import { seed } from './demo-images';
import { consumes } from './events';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { removeExpiredUploads } from './media-service';
import { createResolvers, setPublicUrl } from './resolvers';
import { mediaRoutes } from './routes';
import { openStorage } from './storage';

/**
 * Content: product images. Uploads go straight to storage (local disk or S3) with presigned URLs;
 * confirm checks the bytes and makes content-hashed variants with sharp; `Product.images`.
 * Apollo Server + @apollo/subgraph (Federation 2).
 */
const storage = openStorage(config);
setPublicUrl(config.publicUrl);
const limits = {
  maxBytes: config.MEDIA_MAX_BYTES,
  maxPixels: config.MEDIA_MAX_PIXELS,
  uploadTtlSeconds: config.MEDIA_UPLOAD_TTL_SECONDS,
  confirmGraceSeconds: config.MEDIA_CONFIRM_GRACE_SECONDS,
  maxPerProduct: config.MEDIA_MAX_PER_PRODUCT,
};

export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'content',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers: createResolvers(() => ({ storage, limits })),
  loaders: createLoaders,
  seed,
  seedTables: ['media', 'products'],
  consumes,
  timers: [{ name: 'expired-uploads', everyMs: config.MEDIA_CLEANUP_EVERY_MS, run: ({ db, log }) => removeExpiredUploads({ db, storage, log }) }],
  routes: (app) => {
    const sizes = seedSizes();
    mediaRoutes(app, { storage, mediaDir: config.mediaDir, signingKey: config.signingKey, demo: { seed: sizes.seed, products: sizes.products }, log: createLogger('content') });
  },
};

if (require.main === module) void runSubgraph(definition);
