import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import { connectRedis, type RedisConnection } from '../redis';
import { FIRST_PARTY_WEB } from './api-keys';
import { bucketsFor, clientIp, createLimiter, pointsFor, rateLimitHeaders } from './rate-limit';

const limits = { anonPerMin: 300, userPerMin: 1200, tiers: { partner: 6000 } };
const viewer = { userId: 'u1', role: 'CUSTOMER' as const, vendorId: null };
const log = createLogger('rate-limit-test', 'silent');

describe('who is charged', () => {
  it('charges anonymous callers per IP, signed-in users per user', () => {
    expect(bucketsFor({ viewer: null, clientIp: '203.0.113.7', client: FIRST_PARTY_WEB }, limits)).toEqual([{ key: 'ip:203.0.113.7', tier: 'anonymous', limit: 300 }]);
    expect(bucketsFor({ viewer, clientIp: '203.0.113.7', client: FIRST_PARTY_WEB }, limits)).toEqual([{ key: 'user:u1', tier: 'user', limit: 1200 }]);
  });

  it("charges an API key at its tier's rate, and its signed-in user as well", () => {
    const partner = { name: 'acme', tier: 'partner' };
    expect(bucketsFor({ viewer: null, clientIp: '198.51.100.1', client: partner }, limits)).toEqual([{ key: 'key:acme', tier: 'partner', limit: 6000 }]);
    expect(bucketsFor({ viewer, client: partner }, limits).map((b) => b.key)).toEqual(['key:acme', 'user:u1']);
    expect(bucketsFor({ viewer: null, client: { name: 'x', tier: 'unknown-tier' } }, limits)[0]!.limit).toBe(1200);
  });

  it('spends points by estimated cost: at least one, one more per started cost unit', () => {
    expect(pointsFor(0, 100)).toBe(1);
    expect(pointsFor(100, 100)).toBe(1);
    expect(pointsFor(101, 100)).toBe(2);
    expect(pointsFor(Infinity, 100)).toBe(1_000_000);
  });

  it('believes X-Forwarded-For only as far as the trusted proxies go', () => {
    const req = (xff?: string) => ({ socket: { remoteAddress: '10.0.0.5' }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
    expect(clientIp(req('203.0.113.7'), 0)).toBe('10.0.0.5');
    expect(clientIp(req('203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientIp(req('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7'); // the left entry is the client's claim
    expect(clientIp(req(), 1)).toBe('10.0.0.5');
  });
});

describe('the RateLimit headers', () => {
  it('state limit, remaining points and seconds to the reset, and Retry-After when refused', () => {
    expect(Object.fromEntries(rateLimitHeaders({ limit: 300, remaining: 12, resetMs: 41_200, limited: false }))).toEqual({
      'ratelimit-limit': '300',
      'ratelimit-remaining': '12',
      'ratelimit-reset': '42',
      'ratelimit-policy': '300;w=60',
    });
    expect(Object.fromEntries(rateLimitHeaders({ limit: 300, remaining: 0, resetMs: 800, limited: true }))['retry-after']).toBe('1');
  });
});

describe('limits in memory (no Redis)', () => {
  it('refuses a bucket once its points are spent, and reports the tightest bucket', async () => {
    const consume = createLimiter({ failOpen: true });
    const small = { key: `ip:${Math.random()}`, tier: 'anonymous', limit: 3 };
    const big = { key: `key:${Math.random()}`, tier: 'partner', limit: 100 };
    expect(await consume([big, small], 2)).toMatchObject({ limit: 3, remaining: 1, limited: false });
    const refused = await consume([big, small], 2);
    expect(refused).toMatchObject({ limit: 3, remaining: 0, limited: true });
    expect(refused.resetMs).toBeGreaterThan(55_000);
  });
});

describe('Redis unreachable', () => {
  let closed: RedisConnection;
  afterAll(() => closed?.close());

  it('keeps serving with per-instance limits when failing open', async () => {
    closed = connectRedis({ url: 'redis://127.0.0.1:1', prefix: 'test:', log });
    const consume = createLimiter({ redis: closed, failOpen: true });
    const bucket = { key: 'ip:1', tier: 'anonymous', limit: 2 };
    expect((await consume([bucket], 1)).limited).toBe(false);
    expect((await consume([bucket], 1)).limited).toBe(false);
    expect((await consume([bucket], 1)).limited).toBe(true); // still limited, by this instance alone
    expect(closed.status()).toMatch(/^down/);
  });

  it('refuses with 503 SERVICE_UNAVAILABLE when failing closed', async () => {
    const consume = createLimiter({ redis: closed, failOpen: false });
    const err = await consume([{ key: 'ip:1', tier: 'anonymous', limit: 2 }], 1).catch((e) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect(err.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
  });
});

describe.runIf(process.env.REDIS_URL)('limits in Redis', () => {
  const prefix = `test:rl:${process.pid}:${Date.now()}:`;
  const a = connectRedis({ url: process.env.REDIS_URL!, prefix, log });
  const b = connectRedis({ url: process.env.REDIS_URL!, prefix, log });
  afterAll(async () => {
    for (const key of await a.client.keys(`${prefix}*`)) await a.client.del(key);
    await a.close();
    await b.close();
  });

  it('are shared by every instance', async () => {
    for (let i = 0; i < 50 && !(a.isUp() && b.isUp()); i++) await new Promise((r) => setTimeout(r, 20));
    const [one, two] = [createLimiter({ redis: a, failOpen: false }), createLimiter({ redis: b, failOpen: false })];
    const bucket = { key: 'ip:shared', tier: 'anonymous', limit: 4 };
    expect((await one([bucket], 2)).remaining).toBe(2);
    expect((await two([bucket], 2)).remaining).toBe(0);
    expect((await one([bucket], 1)).limited).toBe(true);
  });
});
