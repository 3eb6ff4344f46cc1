import type { IncomingHttpHeaders } from 'node:http';
import { identitySigner, type Viewer } from '@cloudlab/kit';
import type { TokenVerifier } from './plugins/auth';
import { FIRST_PARTY_WEB, type Client } from './plugins/api-keys';

export interface GatewayContext {
  viewer: Viewer | null;
  /** The identity header value for subgraph requests (signed at most once per viewer per 30 s). */
  identityToken?: () => Promise<string | undefined>;
  /** Who is calling (from `x-api-key`; the first-party web app without one): name, rate-limit tier, persisted-query policy. */
  client: Client;
  /** The caller's address (X-Forwarded-For only behind TRUST_PROXY proxies): anonymous rate limits are per IP. */
  clientIp?: string;
  /** Set when the operation came from the persisted-query manifest. */
  persistedDocument?: { id: string; name: string };
}

export function contextFactory(deps: { verifier: TokenVerifier; secret: string | undefined; client?: (headers: IncomingHttpHeaders) => Client }) {
  // One signature per viewer per 30 s, not one per request (the kit's identitySigner).
  const sign = deps.secret ? identitySigner(deps.secret) : undefined;
  return async (headers: IncomingHttpHeaders): Promise<GatewayContext> => {
    const client = deps.client?.(headers) ?? FIRST_PARTY_WEB; // an unknown key is refused before any token work
    const viewer = await deps.verifier(headers.authorization);
    return {
      viewer,
      client,
      // Memoized per viewer for 30 s, so a graphql-ws connection that lives for hours keeps
      // sending fresh headers through this same function.
      identityToken: () => (viewer && sign ? sign(viewer) : Promise.resolve(undefined)),
    };
  };
}
