import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { answerDue, consumes } from './events';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Payments: authorizations with a simulated provider, captures at shipment, voids and refunds. Apollo Server + @apollo/subgraph. */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'payments',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['payments', 'provider_calls'],
  consumes,
  timers: [{ name: 'slow-provider-answers', everyMs: 250, run: ({ db }) => answerDue(db) }],
};

if (require.main === module) void runSubgraph(definition);
