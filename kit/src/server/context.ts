import type { Db } from '../db/pool';
import type { ReadRouter } from '../db/read-replica';
import { GATEWAY_AUTH_HEADER, isGatewayCredential } from '../gateway-auth';
import { IDENTITY_HEADER, verifyIdentity, type Viewer } from '../identity';
import type { Logger } from '../logger';
import type { LiveEvents } from './live-events';

/** What every resolver gets: who asks (vouched for by the gateway), the db and this request's loaders. */
export interface SubgraphContext<L = unknown> {
  viewer: Viewer | null;
  /** The primary: writes, and reads that must see them. */
  db: Db;
  /**
   * For read-heavy paths (listings, search, reports): the read replica when the subgraph opts in
   * (`readReplica`) and DATABASE_READ_URL is set, by the policy in db/read-replica.ts; else `db`.
   */
  readDb: Db;
  loaders: L;
  log: Logger;
  /** Events for Subscription resolvers; set on operations that arrive over graphql-ws. */
  live?: LiveEvents;
}

/** How an engine asks for a request's context (run.ts builds it with buildContext). */
export type ContextFn = (req: { headers: Record<string, string | string[] | undefined> }) => Promise<SubgraphContext<any>>;

export async function buildContext<L>(
  headers: Record<string, string | string[] | undefined>,
  deps: { db: Db; log: Logger; secret: string; loaders: (db: Db) => L; reads?: ReadRouter },
): Promise<SubgraphContext<L>> {
  const raw = headers[IDENTITY_HEADER];
  const viewer = await verifyIdentity(Array.isArray(raw) ? raw[0] : raw, deps.secret);
  const { db, readDb } = deps.reads ? deps.reads.forRequest(viewer?.userId ?? null) : { db: deps.db, readDb: deps.db };
  return { viewer, db, readDb, loaders: deps.loaders(deps.db), log: deps.log };
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
