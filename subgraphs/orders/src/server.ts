import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { consumes } from './events';
import { LIVE_TOPICS } from './live';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { refreshOrderGauges } from './backpressure';
import { expireOverdue } from './saga';
import { seed } from './seed';

/** Orders: orders, their history (as events) and the order saga. Apollo Server + @apollo/subgraph. */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'orders',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['order_events', 'order_lines', 'orders', 'product_prices'],
  consumes,
  subscriptions: { topics: LIVE_TOPICS },
  timers: [
    { name: 'saga-timeouts', everyMs: 500, run: ({ db, bus }) => expireOverdue(db, bus) },
    { name: 'saga-gauges', everyMs: 5_000, run: ({ db }) => refreshOrderGauges(db) },
  ],
};

if (require.main === module) void runSubgraph(definition);
