import { SignJWT, jwtVerify } from 'jose';
import { boundedMap } from './bounded-map';
import { forbidden, unauthenticated } from './errors';

export type Role = 'CUSTOMER' | 'VENDOR' | 'ADMIN';

/** Who is asking, as the gateway vouched for it. `vendorId` is set for vendor staff. */
export interface Viewer {
  userId: string;
  role: Role;
  vendorId: string | null;
}

/**
 * The gateway → subgraph identity channel: a short-lived HS256 token in this header, signed with
 * INTERNAL_SECRET that only the gateway and the subgraphs hold. Clients cannot mint it, and the
 * gateway always overwrites whatever a client sent under this name.
 */
export const IDENTITY_HEADER = 'x-cloudlab-identity';
const ISSUER = 'cloudlab-gateway';
const AUDIENCE = 'cloudlab-subgraphs';

const keys = new Map<string, Uint8Array>();
const keyOf = (secret: string) => {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = new TextEncoder().encode(secret)));
  return key;
};

export function signIdentity(viewer: Viewer, secret: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ role: viewer.role, vendorId: viewer.vendorId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(viewer.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

/**
 * The one identity signer of the gateway (HTTP requests, graphql-ws operations, upstream
 * subscription connections): the header for a viewer, signed at most once per `reuseMs` per
 * viewer, bounded LRU. Headers live 60 s, so one reused for at most 30 s still has 30 s left
 * when it is sent.
 */
export function identitySigner(secret: string, reuseMs = 30_000, max = 10_000) {
  const map = boundedMap<string, { token: Promise<string>; at: number }>(max);
  return (viewer: Viewer): Promise<string> => {
    const key = `${viewer.userId}\u0000${viewer.role}\u0000${viewer.vendorId ?? ''}`;
    const now = Date.now();
    const entry = map.get(key);
    if (entry && now - entry.at < reuseMs) return entry.token;
    const token = signIdentity(viewer, secret);
    map.set(key, { token, at: now });
    token.catch(() => map.set(key, { token, at: 0 })); // a failed signature is not reused
    return token;
  };
}

/** The viewer the header vouches for, or null for anonymous or anything not signed by the gateway. */
export async function verifyIdentity(header: string | undefined, secret: string): Promise<Viewer | null> {
  if (!header) return null;
  try {
    const { payload } = await jwtVerify(header, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const role = payload.role as Role;
    if (!payload.sub || !['CUSTOMER', 'VENDOR', 'ADMIN'].includes(role)) return null;
    return { userId: payload.sub, role, vendorId: (payload.vendorId as string | null) ?? null };
  } catch {
    return null;
  }
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const v = requireViewer(viewer);
  if (!roles.includes(v.role)) throw forbidden(`Requires role ${roles.join(' or ')}`);
  return v;
}
