import type { Db } from '../db/pool';
import { IDENTITY_HEADER, verifyIdentity, type Viewer } from '../identity';
import type { Logger } from '../logger';
import type { LiveEvents } from './live-events';

/** What every resolver gets: who asks (vouched for by the gateway), the db and this request's loaders. */
export interface SubgraphContext<L = unknown> {
  viewer: Viewer | null;
  db: Db;
  loaders: L;
  log: Logger;
  /** Events for Subscription resolvers; set on operations that arrive over graphql-ws. */
  live?: LiveEvents;
}

export async function buildContext<L>(
  headers: Record<string, string | string[] | undefined>,
  deps: { db: Db; log: Logger; secret: string; loaders: (db: Db) => L },
): Promise<SubgraphContext<L>> {
  const raw = headers[IDENTITY_HEADER];
  const viewer = await verifyIdentity(Array.isArray(raw) ? raw[0] : raw, deps.secret);
  return { viewer, db: deps.db, loaders: deps.loaders(deps.db), log: deps.log };
}
