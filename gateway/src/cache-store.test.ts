import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import { memoryCacheStore, redisCacheStore, type CacheEntry, type CacheStore } from './cache-store';
import { connectRedis } from './redis';

const entry = (data: unknown): CacheEntry => ({ data, maxAge: 60, scope: 'PUBLIC', storedAt: Date.now() });

const stores: [string, () => CacheStore][] = [['memory', () => memoryCacheStore(100)]];
const redisUrl = process.env.REDIS_URL;
const prefix = `test:rc:${process.pid}:${Date.now()}:`;
const redis = redisUrl ? connectRedis({ url: redisUrl, prefix, log: createLogger('cache-store-test', 'silent') }) : undefined;
if (redis) stores.push(['Redis', () => redisCacheStore(redis)]);

afterAll(async () => {
  if (!redis) return;
  for (const key of await redis.client.keys(`${prefix}*`)) await redis.client.del(key);
  await redis.close();
});

describe.each(stores)('the response cache store in %s', (_name, make) => {
  const store = make();
  const since = () => Date.now() - 1;
  const ready = async () => {
    for (let i = 0; i < 50 && redis && !redis.isUp(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('returns the first of several keys that is cached', async () => {
    await ready();
    expect(await store.set('a1', entry({ n: 1 }), 10_000, ['p1'], since())).toBe(true);
    expect((await store.get(['missing', 'a1']))?.data).toEqual({ n: 1 });
    expect(await store.get(['missing'])).toBeUndefined();
  });

  it('deletes every entry tagged with a changed entity, and no other', async () => {
    await store.set('b1', entry(1), 10_000, ['p2', 'v1'], since());
    await store.set('b2', entry(2), 10_000, ['p2'], since());
    await store.set('b3', entry(3), 10_000, ['p3'], since());
    expect(await store.invalidate(['p2'])).toBe(2);
    expect(await store.get(['b1'])).toBeUndefined();
    expect(await store.get(['b2'])).toBeUndefined();
    expect((await store.get(['b3']))?.data).toBe(3);
  });

  it('does not store a response computed before one of its entities was invalidated', async () => {
    const started = Date.now() - 5;
    await store.invalidate(['p4']);
    expect(await store.set('c1', entry(1), 10_000, ['p4'], started)).toBe(false);
    expect(await store.get(['c1'])).toBeUndefined();
    expect(await store.set('c2', entry(2), 10_000, ['p4'], Date.now() + 1)).toBe(true);
  });

  it('forgets an entry after its TTL', async () => {
    await store.set('d1', entry(1), 50, ['p5'], since());
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.get(['d1'])).toBeUndefined();
  });
});

describe('the in-memory store', () => {
  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const store = memoryCacheStore(2);
    await store.set('a', entry('a'), 10_000, [], 0);
    await store.set('b', entry('b'), 10_000, [], 0);
    await store.get(['a']); // a is now more recent than b
    await store.set('c', entry('c'), 10_000, [], 0);
    expect(await store.get(['b'])).toBeUndefined();
    expect((await store.get(['a']))?.data).toBe('a');
    expect((await store.get(['c']))?.data).toBe('c');
  });
});
