import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Catalog: products, categories, prices. Apollo Server + @apollo/subgraph (Federation 2). */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'catalog',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['products', 'categories'],
  // Listings, searches, reports: ctx.readDb (DATABASE_READ_URL's replica when set).
  readReplica: true,
};

if (require.main === module) void runSubgraph(definition);
