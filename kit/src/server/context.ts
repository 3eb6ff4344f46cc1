import type { Db } from '../db/pool';
import { GATEWAY_AUTH_HEADER, isGatewayCredential } from '../gateway-auth';
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

type Headers = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Whether the gateway sent this request (HTTP headers, or graphql-ws `connectionParams`): its
 * credential, or an identity token only it can sign. Anything else is refused with 401 before
 * any resolver runs — a subgraph has no public clients.
 */
export async function callerIsGateway(headers: Headers, secret: string): Promise<boolean> {
  if (isGatewayCredential(headers[GATEWAY_AUTH_HEADER], secret)) return true;
  const identity = first(headers[IDENTITY_HEADER]);
  return identity !== undefined && (await verifyIdentity(identity, secret)) !== null;
}
