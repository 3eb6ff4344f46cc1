import '@cloudlab/kit/telemetry/register';
import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { seed } from './seed';
import { signingKeys } from './store';

/** Accounts: users, vendors (tenants), roles, credentials, token signing. Apollo Server + @apollo/subgraph. */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'accounts',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  seed,
  seedTables: ['users', 'vendors'],
  routes: async (app, { db }) => {
    await signingKeys(db); // create the first key at start, not on the first login
    app.get('/.well-known/jwks.json', async (_req, reply) => {
      const keys = await signingKeys(db);
      return reply.header('cache-control', 'public, max-age=300').send({ keys: keys.map((k) => k.publicJwk) });
    });
  },
};

if (require.main === module) void runSubgraph(definition);
