import '@cloudlab/kit/telemetry/register';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runSubgraph, type SubgraphDefinition } from '@cloudlab/kit';
import { createLoaders, type Loaders } from './loaders';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Reviews: ratings and reviews of products by users. mercurius + @mercuriusjs/federation (Federation 1). */
export const definition: SubgraphDefinition<Loaders> = {
  name: 'reviews',
  engine: 'mercurius',
  typeDefs: readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'),
  resolvers,
  migrations: path.join(__dirname, '..', 'migrations'),
  loaders: createLoaders,
  seed,
  seedTables: ['reviews'],
};

if (require.main === module) void runSubgraph(definition);
