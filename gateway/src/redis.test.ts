import { describe, expect, it } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import { connectRedis } from './redis';

const log = createLogger('redis-test', 'silent');

describe('the first Redis connection', () => {
  it.skipIf(!process.env.REDIS_URL)('is up when firstConnection settles, so the first requests count in Redis', async () => {
    const redis = connectRedis({ url: process.env.REDIS_URL!, prefix: 'cloudlab:redis-test:', log });
    expect(redis.isUp()).toBe(false); // connecting
    await redis.firstConnection(5000);
    expect(redis.isUp()).toBe(true);
    await redis.close();
  });

  it('does not hold the gateway past its bound when Redis is unreachable', async () => {
    const redis = connectRedis({ url: 'redis://127.0.0.1:1', prefix: 'cloudlab:redis-test:', log });
    const t0 = Date.now();
    await redis.firstConnection(300);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(redis.isUp()).toBe(false);
    expect(redis.status()).toMatch(/^down: /);
    await redis.close();
  });
});
