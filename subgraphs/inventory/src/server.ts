import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { consumes } from './events';
import { LIVE_TOPICS } from './live';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Inventory: warehouses, stock levels, reservations for orders, restocks. Apollo Server + @apollo/subgraph (Federation 2). */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'inventory',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['reservations', 'restocks', 'stock', 'warehouses'],
  consumes,
  subscriptions: { topics: LIVE_TOPICS },
};

if (require.main === module) void runSubgraph(definition);
