import '@cloudlab/kit/telemetry/register';
import { readModelFiles, runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { config } from './config';
import { consumes } from './events';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';
import { dropExpired } from './store';

/**
 * Analytics: read models of sales per vendor, product and day, co-purchases and platform totals,
 * fed only by events and rebuilt from the log by `pnpm rebuild analytics`. Apollo Server (Federation 2).
 */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'analytics',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  // The read model is only ever built from events: reseeding records the history again (same
  // order ids, so the totals do not move) and empties nothing.
  seedTables: [],
  consumes,
  readModel: readModelFiles(__dirname),
  readReplica: true,
  timers: [{ name: 'retention', everyMs: 3_600_000, run: ({ db }) => db.tx((q) => dropExpired(q, config.ANALYTICS_RETENTION_MONTHS)) }],
};

if (require.main === module) void runSubgraph(definition);
