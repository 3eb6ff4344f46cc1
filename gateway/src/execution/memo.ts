/**
 * Per-request work that gives the same answer for a while, done once: verifying a user's JWT
 * (the same token arrives with every request of a session) and signing the identity header the
 * subgraphs trust (the same viewer, again and again). Both bounded, both LRU.
 */
import { signIdentity, type Viewer } from '@cloudlab/kit';
import { boundedMap } from '../bounded-map';

/** Tokens already verified, with what they proved, until their own `exp` and never after. */
export function verifiedTokens<V>(max = 10_000) {
  const map = boundedMap<string, { value: V; until: number }>(max);
  return {
    get(token: string): V | undefined {
      const entry = map.get(token);
      return entry && entry.until > Date.now() ? entry.value : undefined;
    },
    /** `exp`: the token's expiry, seconds since the epoch (tokens without one are not kept). */
    set(token: string, value: V, exp: unknown) {
      if (typeof exp === 'number' && exp * 1000 > Date.now()) map.set(token, { value, until: exp * 1000 });
    },
  };
}

/**
 * The identity header for a viewer, signed at most once per `reuseMs` per viewer. Headers live
 * 60 s (kit `signIdentity`), so one reused for at most 30 s still has 30 s left when it is sent.
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
