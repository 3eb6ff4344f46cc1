import '@cloudlab/kit/telemetry/register';
import { createLogger, readModelFiles, runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { consumes } from './events';
import { facetFoldTimer } from './facets';
import { openSearchEngine } from './opensearch/engine';
import { indexCaughtUp, indexerTimer } from './opensearch/indexer';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { searchCache } from './search';
import { baseline, seed } from './seed';

/**
 * Search: product search (full text, typos, filters, sorts, multi-select facets) over a read
 * model of one document per product, fed by catalog, inventory and reviews events and rebuilt
 * from the log by `pnpm rebuild search`. Postgres engine by default; the OpenSearch engine when
 * OPENSEARCH_URL is set (its indexer feeds the index from the read model). Apollo Server (Federation 2).
 */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'search',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  // The seed merges (store.ts): nothing is emptied first.
  seedTables: [],
  consumes,
  // The demo documents precede catalog's events: a rebuild writes them before the replay.
  // The Postgres engine's answers are cached until the read model changes (src/search.ts).
  readModel: { ...readModelFiles(__dirname), baseline, caches: openSearchEngine() ? [] : [searchCache] },
  readReplica: true,
  timers: [facetFoldTimer, ...(openSearchEngine() ? [indexerTimer(openSearchEngine()!)] : [])],
  // Awaited before the subgraph listens: with OpenSearch, not before its index has caught up once.
  routes: async () => {
    if (openSearchEngine()) await indexCaughtUp(createLogger('search'));
  },
};

if (require.main === module) void runSubgraph(definition);
