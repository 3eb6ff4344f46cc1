import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition, type MercuriusResolvers } from '@cloudlab/kit';
import { consumes } from './events';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Reviews: ratings and reviews of products by users. mercurius + @mercuriusjs/federation (Federation 1). */
export const definition: SubgraphDefinition<Loaders, MercuriusResolvers<Resolvers>> = {
  name: 'reviews',
  engine: 'mercurius',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['reviews', 'products', 'purchases'],
  consumes,
};

if (require.main === module) void runSubgraph(definition);
