import type { IncomingHttpHeaders } from 'node:http';
import type { Viewer } from '@cloudlab/kit';
import { identitySigner } from './execution/memo';
import type { TokenVerifier } from './plugins/auth';
import { FIRST_PARTY_WEB, type Client } from './plugins/api-keys';

export interface GatewayContext {
  viewer: Viewer | null;
  /** The identity header value for subgraph requests, signed at most once per request. */
  identityToken?: () => Promise<string | undefined>;
  /** Who is calling (from `x-api-key`; the first-party web app without one): name, rate-limit tier, persisted-query policy. */
  client: Client;
  /** The caller's address (X-Forwarded-For only behind TRUST_PROXY proxies): anonymous rate limits are per IP. */
  clientIp?: string;
  /** Set when the operation came from the persisted-query manifest. */
  persistedDocument?: { id: string; name: string };
}

export function contextFactory(deps: { verifier: TokenVerifier; secret: string | undefined; client?: (headers: IncomingHttpHeaders) => Client }) {
  // One signature per viewer per 30 s, not one per request (execution/memo.ts).
  const sign = deps.secret ? identitySigner(deps.secret) : undefined;
  return async (headers: IncomingHttpHeaders): Promise<GatewayContext> => {
    const client = deps.client?.(headers) ?? FIRST_PARTY_WEB; // an unknown key is refused before any token work
    const viewer = await deps.verifier(headers.authorization);
    let signed: Promise<string> | undefined;
    return {
      viewer,
      client,
      identityToken: () => {
        if (!viewer || !sign) return Promise.resolve(undefined);
        return (signed ??= sign(viewer));
      },
    };
  };
}
