import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { GraphQLError } from 'graphql';
import { appError, ErrorCode, type Role, type Viewer } from '@cloudlab/kit';
import { verifiedTokens } from '../execution/memo';

export type TokenVerifier = (authorization: string | undefined) => Promise<Viewer | null>;

/** Algorithms a user token may use; `none` and HMAC (which a public key could forge) are refused. */
const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

const unauthenticated = (message: string) => appError(ErrorCode.UNAUTHENTICATED, message, {}, { http: true });

/**
 * Verifies `Authorization: Bearer <jwt>` against the accounts JWKS: signature, iss, aud and an
 * `exp` that must be present (a token without one would be valid forever).
 * No header → anonymous (null); a header that does not verify → 401 UNAUTHENTICATED, never
 * silently anonymous, so a client learns that its token is bad.
 */
export function jwtVerifier(opts: { jwksUrl: string | undefined; issuer: string; audience: string }): TokenVerifier {
  const jwks = opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl), { cacheMaxAge: 10 * 60_000 }) : undefined;
  // A session sends the same token with every request: verified once, trusted until its exp.
  const verified = verifiedTokens<Viewer>();
  return async (authorization) => {
    if (!authorization) return null;
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('Authorization must be "Bearer <token>"');
    if (!jwks) throw unauthenticated('This gateway accepts no tokens (JWT_JWKS_URL is not set)');
    const known = verified.get(token);
    if (known) return { ...known };
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      });
      const role = payload.role as Role;
      if (!payload.sub || !['CUSTOMER', 'VENDOR', 'ADMIN'].includes(role)) throw unauthenticated('Token has no valid subject or role');
      const viewer = { userId: payload.sub, role, vendorId: typeof payload.vendorId === 'string' ? payload.vendorId : null };
      verified.set(token, viewer, payload.exp);
      return { ...viewer };
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthenticated('Token expired');
      if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) throw unauthenticated('Invalid token');
      // JWKS unreachable: not the client's fault; the cause is logged, the client gets a safe 503.
      throw new GraphQLError('Tokens cannot be verified right now', {
        originalError: err as Error,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503 } },
      });
    }
  };
}
