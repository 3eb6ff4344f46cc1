import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gql, login } from './support/client';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';
import { freePort } from './support/ports';

/**
 * Rate limits as a client meets them, on gateways of this story's own with small limits (the
 * shared one limits generously so the other stories never meet it). With REDIS_URL the two
 * instances share one limit through Redis; without it each counts alone.
 */
const redisUrl = process.env.REDIS_URL;
const CHEAP = '{ products(first: 1) { totalCount } }'; // cost 2: one point
const EXPENSIVE = '{ products(first: 100) { edges { node { id name } } } }'; // cost 2 + 100 × 3 = 302: four points
const limits = {
  RATE_LIMIT_ANON_PER_MIN: '10',
  RATE_LIMIT_USER_PER_MIN: '10',
  RATE_LIMIT_COST_UNIT: '100',
  TRUST_PROXY: '1', // the story's clients are told apart by X-Forwarded-For, as behind one proxy
  RESPONSE_CACHE_ENABLED: 'false',
};
const from = (ip: string, headers: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': ip, ...headers } });
// Every client of this story its own address (random per run: a shared Redis may hold an earlier run's counts).
const subnet = `10.${randomInt(0, 256)}.${randomInt(0, 256)}`;
let nextHost = 1;
const newIp = () => `${subnet}.${nextHost++}`;
const header = (res: { headers: Headers }, name: string) => res.headers.get(name);

let a: GatewayProcess;
let b: GatewayProcess;
const started: GatewayProcess[] = [];

beforeAll(async () => {
  // Both instances of this story share a Redis prefix of their own.
  const shared = { ...limits, ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `cloudlab:${inject('dbPrefix')}rl-story:` } : { REDIS_URL: '' }) };
  [a, b] = await Promise.all([startGatewayProcess(shared), startGatewayProcess(shared)]);
  started.push(a, b);
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.stop()));
});

describe('rate limits', () => {
  it('tell every client its limit, what is left and when it resets', async () => {
    const res = await gql(CHEAP); // the shared gateway, too
    expect(res.status).toBe(200);
    expect(Number(header(res, 'ratelimit-limit'))).toBeGreaterThan(0);
    expect(header(res, 'ratelimit-remaining')).toMatch(/^\d+$/);
    expect(header(res, 'ratelimit-reset')).toMatch(/^\d+$/);
    expect(header(res, 'ratelimit-policy')).toMatch(/^\d+;w=60$/);
  });

  it('meet a burst from one client with 429 RATE_LIMITED and Retry-After, while other clients are unaffected', async () => {
    const burster = newIp();
    const remaining: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(a.url, CHEAP, from(burster));
      expect(res.status).toBe(200);
      remaining.push(Number(header(res, 'ratelimit-remaining')));
    }
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const refused = await post(a.url, CHEAP, from(burster));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.body.data).toBeUndefined();
    const retryAfter = Number(header(refused, 'retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(header(refused, 'ratelimit-remaining')).toBe('0');

    // another anonymous client, and a signed-in user behind the very same address
    const other = await post(a.url, CHEAP, from(newIp()));
    expect(other.status).toBe(200);
    expect(header(other, 'ratelimit-remaining')).toBe('9');
    const token = await login('customer@cloudlab.dev');
    const user = await post(a.url, CHEAP, from(burster, { authorization: `Bearer ${token}` }));
    expect(user.status).toBe(200);
    expect(user.body.errors).toBeUndefined();
  });

  it('charge an expensive operation more points than a cheap one', async () => {
    const ip = newIp();
    const cheap = await post(a.url, CHEAP, from(ip));
    const expensive = await post(a.url, EXPENSIVE, from(ip));
    expect(expensive.status).toBe(200);
    expect(Number(header(cheap, 'ratelimit-remaining')) - Number(header(expensive, 'ratelimit-remaining'))).toBe(4);
  });

  it.runIf(redisUrl)('are one limit shared by every gateway instance (through Redis)', async () => {
    const ip = newIp();
    for (let i = 0; i < 6; i++) expect((await post(a.url, CHEAP, from(ip))).status).toBe(200);
    const fromB = await post(b.url, CHEAP, from(ip));
    expect(header(fromB, 'ratelimit-remaining')).toBe('3');
    for (let i = 0; i < 3; i++) expect((await post(b.url, CHEAP, from(ip))).status).toBe(200);
    expect((await post(a.url, CHEAP, from(ip))).status).toBe(429);
    expect((await post(b.url, CHEAP, from(ip))).status).toBe(429);
  });

  it.runIf(!redisUrl)('without Redis are counted by each gateway instance alone, as its startup log says', async () => {
    const ip = newIp();
    for (let i = 0; i < 10; i++) await post(a.url, CHEAP, from(ip));
    expect((await post(a.url, CHEAP, from(ip))).status).toBe(429);
    const fromB = await post(b.url, CHEAP, from(ip));
    expect(fromB.status).toBe(200);
    expect(header(fromB, 'ratelimit-remaining')).toBe('9');
    expect(b.output.some((line) => line.includes('rate limits are per gateway instance'))).toBe(true);
  });
});

describe('with Redis unreachable', () => {
  let open: GatewayProcess;
  let closed: GatewayProcess;
  beforeAll(async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`; // nothing listens there
    [open, closed] = await Promise.all([
      startGatewayProcess({ ...limits, REDIS_URL: nowhere }),
      startGatewayProcess({ ...limits, REDIS_URL: nowhere, RATE_LIMIT_FAIL_OPEN: 'false' }),
    ]);
    started.push(open, closed);
  });

  it('the gateway keeps serving with per-instance limits, says so at /readyz, and logs the outage once', async () => {
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const res = await post(open.url, CHEAP, from(ip));
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(header(res, 'ratelimit-remaining')).toBe(String(9 - i));
    }
    const ready = await fetch(new URL('/readyz', open.url));
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { redis: string }).redis).toMatch(/^down: .*fail-open/);
    expect(open.output.filter((line) => line.includes('Redis unreachable'))).toHaveLength(1);
  });

  it('configured to fail closed, it refuses with 503 and is not ready', async () => {
    const res = await post(closed.url, CHEAP, from(newIp()));
    expect(res.status).toBe(503);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(header(res, 'retry-after')).toBe('1');
    expect((await fetch(new URL('/readyz', closed.url))).status).toBe(503);
  });
});
