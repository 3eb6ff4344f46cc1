import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifiedTokens } from './memo';

afterEach(() => vi.useRealTimers());

describe('verifiedTokens', () => {
  it('keeps a token until its exp, never after, and not tokens without one', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const cache = verifiedTokens<string>();
    cache.set('a', 'viewer-a', 1_000 + 60); // exp in seconds: 60 s from now
    cache.set('b', 'viewer-b', undefined);
    cache.set('c', 'viewer-c', 999); // already expired
    expect(cache.get('a')).toBe('viewer-a');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeUndefined();
    vi.setSystemTime(1_000_000 + 59_999);
    expect(cache.get('a')).toBe('viewer-a');
    vi.setSystemTime(1_000_000 + 60_000);
    expect(cache.get('a')).toBeUndefined();
  });
});
