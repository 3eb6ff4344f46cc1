import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { createClient } from 'redis';
import type { Logger } from '@cloudlab/kit';

export type CacheRedis = ReturnType<typeof createClient>;

/**
 * Apollo's KeyValueCache over Redis (string values; `ttl` in seconds) for APQ. A failed command
 * (Redis down: the client has no offline queue) is a miss, so a client re-sends its query.
 */
export function redisKeyValueCache(client: CacheRedis, prefix: string, log: Logger): KeyValueCache<string> {
  const failed = (op: string) => (err: unknown) => {
    log.debug({ err, op }, 'redis cache operation failed');
    return undefined;
  };
  return {
    async get(key) {
      const value = await client.get(prefix + key).catch(failed('get'));
      return typeof value === 'string' ? value : undefined;
    },
    async set(key, value, options?: KeyValueCacheSetOptions) {
      const ttl = options?.ttl;
      await client.set(prefix + key, value, ttl ? { expiration: { type: 'EX', value: ttl } } : undefined).catch(failed('set'));
    },
    async delete(key) {
      return ((await client.del(prefix + key).catch(failed('delete'))) ?? 0) > 0;
    },
  };
}
