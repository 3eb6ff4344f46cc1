import '@cloudlab/kit/telemetry/register';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runSubgraph, type SubgraphDefinition } from '@cloudlab/kit';
import { answerDue, consumes } from './events';
import { createLoaders, type Loaders } from './loaders';
import { resolvers } from './resolvers';
import { seed } from './seed';

/** Payments: authorizations with a simulated provider, voids and refunds. Apollo Server + @apollo/subgraph. */
export const definition: SubgraphDefinition<Loaders> = {
  name: 'payments',
  engine: 'apollo',
  typeDefs: readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'),
  resolvers,
  migrations: path.join(__dirname, '..', 'migrations'),
  loaders: createLoaders,
  seed,
  seedTables: ['payments'],
  consumes,
  timers: [{ name: 'slow-provider-answers', everyMs: 250, run: ({ db }) => answerDue(db) }],
};

if (require.main === module) void runSubgraph(definition);
