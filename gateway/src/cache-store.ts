import { boundedMap } from '@cloudlab/kit';
import type { RedisConnection } from './redis';

/** One cached response: the `data` of an error-free query and the policy it was cached under. */
export interface CacheEntry {
  data: unknown;
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
  /** Epoch ms when it was stored; the `Age` header of a hit is counted from here. */
  storedAt: number;
  /** The policy the HTTP `Cache-Control` header said when it was stored (the gateway may cap or narrow the hints). */
  http?: { maxAge: number; scope: 'PUBLIC' | 'PRIVATE' } | null;
}

/**
 * Where whole responses live, tagged with the entity ids they contain so that an event about an
 * entity deletes every response that showed it. `set` refuses (returns false) when one of the
 * tags was invalidated at or after `notInvalidatedSince`: a response computed before a change
 * must not be stored after the change's invalidation has already run.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  /** The first of `keys` that is cached. */
  get(keys: string[]): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number, tags: string[], notInvalidatedSince: number): Promise<boolean>;
  /** Deletes every entry tagged with one of `tags`; returns how many. */
  invalidate(tags: string[]): Promise<number>;
}

/** How long an invalidation mark is kept: longer than any request can take. */
const MARK_TTL_MS = 120_000;

// KEYS: entry, n tag sets, n invalidation marks. ARGV: value, ttl ms, not-invalidated-since ms, n.
const SET_SCRIPT = `
local n = tonumber(ARGV[4])
for i = 1, n do
  local mark = redis.call('GET', KEYS[1 + n + i])
  if mark and tonumber(mark) >= tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], KEYS[1])
  if redis.call('PTTL', KEYS[1 + i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1 + i], ARGV[2]) end
end
return 1`;

// KEYS: tag set, invalidation mark. ARGV: now ms, mark ttl ms. The set names its entries' keys.
const INVALIDATE_SCRIPT = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(members) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return #members`;

/**
 * Entries as JSON strings with a TTL, tag → entry keys as Redis sets; both scripts run atomically
 * in Redis, so an invalidation and a concurrent store cannot interleave. Shared by all instances.
 */
export function redisCacheStore(redis: RedisConnection): CacheStore {
  const p = `${redis.prefix}rc:`;
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      const result = await fn();
      redis.noteSuccess();
      return result;
    } catch (err) {
      redis.noteFailure(err);
      throw err;
    }
  };
  return {
    kind: 'redis',
    async get(keys) {
      if (!redis.client.isReady) return undefined; // down: a miss at once, not a wait
      const values = await run(() => redis.client.mGet(keys.map((k) => `${p}e:${k}`)));
      const hit = values.find((v) => v != null);
      return hit ? (JSON.parse(hit) as CacheEntry) : undefined;
    },
    async set(key, entry, ttlMs, tags, since) {
      if (!redis.client.isReady) return false;
      const keys = [`${p}e:${key}`, ...tags.map((t) => `${p}t:${t}`), ...tags.map((t) => `${p}i:${t}`)];
      const args = [JSON.stringify(entry), String(Math.max(1, Math.round(ttlMs))), String(since), String(tags.length)];
      return (await run(() => redis.client.eval(SET_SCRIPT, { keys, arguments: args }))) === 1;
    },
    async invalidate(tags) {
      let deleted = 0;
      for (const t of tags) {
        const n = await run(() => redis.client.eval(INVALIDATE_SCRIPT, { keys: [`${p}t:${t}`, `${p}i:${t}`], arguments: [String(Date.now()), String(MARK_TTL_MS)] }));
        deleted += Number(n);
      }
      return deleted;
    },
  };
}

/** The same contract in this process's memory, least recently used first out beyond `maxEntries`. */
export function memoryCacheStore(maxEntries: number, now = () => Date.now()): CacheStore {
  const byTag = new Map<string, Set<string>>();
  const marks = new Map<string, number>();
  const untag = (key: string, tags: string[]) => {
    for (const t of tags) {
      const set = byTag.get(t);
      set?.delete(key);
      if (set?.size === 0) byTag.delete(t);
    }
  };
  // The kit's LRU; an entry it forgets leaves its tags too.
  const entries = boundedMap<string, { entry: CacheEntry; expiresAt: number; tags: string[] }>(maxEntries, (key, e) => untag(key, e.tags));

  const remove = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    untag(key, e.tags);
  };
  return {
    kind: 'memory',
    async get(keys) {
      for (const key of keys) {
        const e = entries.get(key);
        if (!e) continue;
        if (e.expiresAt <= now()) {
          remove(key);
          continue;
        }
        return e.entry; // get() made it the most recent
      }
      return undefined;
    },
    async set(key, entry, ttlMs, tags, since) {
      if (tags.some((t) => (marks.get(t) ?? -Infinity) >= since)) return false;
      remove(key);
      entries.set(key, { entry, expiresAt: now() + ttlMs, tags });
      for (const t of tags) (byTag.get(t) ?? byTag.set(t, new Set()).get(t)!).add(key);
      return true;
    },
    async invalidate(tags) {
      let deleted = 0;
      const at = now();
      for (const t of tags) {
        for (const key of [...(byTag.get(t) ?? [])]) {
          remove(key);
          deleted++;
        }
        marks.delete(t); // re-insert so the oldest marks are first, then forget expired ones
        marks.set(t, at);
      }
      for (const [t, markedAt] of marks) {
        if (markedAt > at - MARK_TTL_MS) break;
        marks.delete(t);
      }
      return deleted;
    },
  };
}
