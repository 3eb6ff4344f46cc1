import type { IncomingHttpHeaders } from 'node:http';
import { signIdentity, type Viewer } from '@cloudlab/kit';
import type { TokenVerifier } from './plugins/auth';

export interface GatewayContext {
  viewer: Viewer | null;
  /** The identity header value for subgraph requests, signed at most once per request. */
  identityToken?: () => Promise<string | undefined>;
}

export function contextFactory(deps: { verifier: TokenVerifier; secret: string | undefined }) {
  return async (headers: IncomingHttpHeaders): Promise<GatewayContext> => {
    const viewer = await deps.verifier(headers.authorization);
    let signed: Promise<string> | undefined;
    return {
      viewer,
      identityToken: () => {
        if (!viewer || !deps.secret) return Promise.resolve(undefined);
        return (signed ??= signIdentity(viewer, deps.secret));
      },
    };
  };
}
