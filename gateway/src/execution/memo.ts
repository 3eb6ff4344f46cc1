/**
 * Per-request work that gives the same answer for a while, done once: verifying a user's JWT
 * (the same token arrives with every request of a session). Bounded, LRU. (Signing the identity
 * header is memoized the same way by the kit's `identitySigner`.)
 */
import { boundedMap } from '@cloudlab/kit';

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
