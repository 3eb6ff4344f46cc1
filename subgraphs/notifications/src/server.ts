import '@cloudlab/kit/telemetry/register';
import { readModelFiles, runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';
import { config } from './config';
import { deliverDue } from './delivery';
import { devMailboxRoutes } from './dev-mailbox';
import { consumes } from './events';
import { LIVE_TOPICS } from './live';
import { createLoaders, type Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { resolvers } from './resolvers';
import { baseline, seed } from './seed';
import { dropOlderThan } from './store';

/**
 * Notifications: per-user (and per-vendor) notifications made from other domains' events, served
 * as a feed, live over graphql-ws and by e-mail (outbox, templates, retries); back-in-stock watches. The notifications and watches are its
 * own state (migrations/); what it knows of orders, products and stock levels to address and word
 * them is a read model (read-model/, `pnpm rebuild notifications`). Apollo Server (Federation 2).
 */
export const definition: SubgraphDefinition<Loaders, Resolvers> = {
  name: 'notifications',
  engine: 'apollo',
  ...subgraphFiles(__dirname),
  resolvers,
  loaders: createLoaders,
  // No notifications are seeded (they come only from events that happen while the stack runs);
  // the demo accounts' addresses are (seed.ts), so the demo logins get e-mail too. Merges only.
  seed,
  seedTables: [],
  consumes,
  // A rebuild writes the demo accounts' addresses before the replay (no event announces them).
  readModel: { ...readModelFiles(__dirname), baseline },
  subscriptions: { topics: LIVE_TOPICS },
  timers: [
    { name: 'retention', everyMs: 3_600_000, run: ({ db }) => db.tx((q) => dropOlderThan(q, config.NOTIFICATIONS_RETENTION_DAYS)) },
    { name: 'email', everyMs: config.NOTIFICATIONS_EMAIL_POLL_MS, run: ({ db, log }) => deliverDue(db, log) },
  ],
  routes: (app, { db }) => {
    if (!config.SMTP_URL) devMailboxRoutes(app, db);
  },
};

if (require.main === module) void runSubgraph(definition);
