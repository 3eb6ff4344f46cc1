import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode, registry, type Logger } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { FIRST_PARTY_WEB, type Client } from './api-keys';
import type { RedisConnection } from '../redis';

const WINDOW_SECONDS = 60;

export interface RateLimitOptions {
  /** Points per minute: anonymous callers (per IP), signed-in users (per user), API-key tiers (per key). */
  anonPerMin: number;
  userPerMin: number;
  tiers: Record<string, number>;
  /** An operation spends max(1, ceil(cost / costUnit)) points. */
  costUnit: number;
  /** Redis down: serve with per-instance limits (true) or refuse with 503 (false). */
  failOpen: boolean;
  /** Shared limits across instances; without it every instance counts alone. */
  redis?: RedisConnection;
  cost: (rc: GraphQLRequestContextDidResolveOperation<GatewayContext>) => number;
  log: Logger;
}

/** Who is charged: an API key's bucket, a user's, or (neither) the caller's IP. */
export interface Bucket {
  key: string;
  tier: string;
  limit: number;
}

export interface Outcome {
  limit: number;
  remaining: number;
  resetMs: number;
  limited: boolean;
}

type Caller = Pick<GatewayContext, 'viewer' | 'clientIp'> & { client?: Pick<Client, 'name' | 'tier'> };

/**
 * An API key is limited per key at its tier's rate (an unknown tier: the user rate), a signed-in
 * user per user, anyone else per IP. A user calling through an API key is charged in both, so one
 * user cannot spend a whole app's allowance. The first-party web app has no key: its callers
 * are limited as users or by IP.
 */
export function bucketsFor(caller: Caller, o: Pick<RateLimitOptions, 'anonPerMin' | 'userPerMin' | 'tiers'>): Bucket[] {
  const buckets: Bucket[] = [];
  const { client } = caller;
  if (client && !(client.name === FIRST_PARTY_WEB.name && client.tier === FIRST_PARTY_WEB.tier)) {
    buckets.push({ key: `key:${client.name}`, tier: client.tier, limit: o.tiers[client.tier] ?? o.userPerMin });
  }
  if (caller.viewer) buckets.push({ key: `user:${caller.viewer.userId}`, tier: 'user', limit: o.userPerMin });
  if (!buckets.length) buckets.push({ key: `ip:${caller.clientIp ?? 'unknown'}`, tier: 'anonymous', limit: o.anonPerMin });
  return buckets;
}

/**
 * The caller's IP: the socket's address, or behind `trustedProxies` proxies the X-Forwarded-For
 * entry that many hops from the right (entries further left are whatever the client claimed).
 */
export function clientIp(req: IncomingMessage, trustedProxies: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  return hops[hops.length - trustedProxies] ?? hops[0] ?? socket;
}

export function pointsFor(cost: number, unit: number): number {
  if (!Number.isFinite(cost)) return 1_000_000; // unbounded: over any limit
  return Math.min(1_000_000, Math.max(1, Math.ceil(cost / unit)));
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused. */
export function rateLimitHeaders(o: Outcome): [string, string][] {
  const reset = String(Math.max(0, Math.ceil(o.resetMs / 1000)));
  const headers: [string, string][] = [
    ['ratelimit-limit', String(o.limit)],
    ['ratelimit-remaining', String(o.remaining)],
    ['ratelimit-reset', reset],
    ['ratelimit-policy', `${o.limit};w=${WINDOW_SECONDS}`],
  ];
  if (o.limited) headers.push(['retry-after', reset === '0' ? '1' : reset]);
  return headers;
}

const limited = new Counter({
  name: 'cloudlab_gateway_rate_limited_total',
  help: 'Operations refused with RATE_LIMITED, by tier',
  labelNames: ['tier'],
  registers: [registry],
});
const storeFailures = new Counter({
  name: 'cloudlab_gateway_rate_limit_store_failures_total',
  help: 'Rate-limit checks that could not reach Redis (served per instance, or refused when fail-closed)',
  registers: [registry],
});

/** Consumes points from buckets in Redis (or memory), falling back to memory while Redis fails. */
export function createLimiter(o: Pick<RateLimitOptions, 'redis' | 'failOpen'>) {
  const memory = new Map<string, RateLimiterMemory>();
  const shared = new Map<string, RateLimiterRedis>();
  const limiterFor = <L extends RateLimiterAbstract>(cache: Map<string, L>, b: Bucket, make: (opts: IRateLimiterOptions) => L) => {
    const id = `${b.tier}:${b.limit}`;
    let l = cache.get(id);
    if (!l) cache.set(id, (l = make({ points: b.limit, duration: WINDOW_SECONDS, keyPrefix: `${o.redis?.prefix ?? ''}rl:${id}` })));
    return l;
  };
  const asOutcome = (b: Bucket, r: RateLimiterRes, refused: boolean): Outcome => ({
    limit: b.limit,
    remaining: r.remainingPoints,
    resetMs: r.msBeforeNext,
    limited: refused,
  });

  async function consumeOne(b: Bucket, points: number): Promise<Outcome> {
    const redis = o.redis;
    if (redis) {
      try {
        const r = await limiterFor(shared, b, (opts) => new RateLimiterRedis({ ...opts, storeClient: redis.client, useRedisPackage: true, rejectIfRedisNotReady: true }))
          .consume(b.key, points);
        redis.noteSuccess();
        return asOutcome(b, r, false);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          redis.noteSuccess();
          return asOutcome(b, err, true);
        }
        storeFailures.inc();
        redis.noteFailure(err);
        if (!o.failOpen) throw unavailable();
      }
    }
    try {
      return asOutcome(b, await limiterFor(memory, b, (opts) => new RateLimiterMemory(opts)).consume(b.key, points), false);
    } catch (err) {
      if (err instanceof RateLimiterRes) return asOutcome(b, err, true);
      throw err;
    }
  }

  /** Charges every bucket; the outcome reported is a refusing bucket's, else the one with least left. */
  return async (buckets: Bucket[], points: number): Promise<Outcome> => {
    const outcomes = await Promise.all(buckets.map((b) => consumeOne(b, points)));
    return outcomes.find((x) => x.limited) ?? outcomes.reduce((a, b) => (b.remaining / b.limit < a.remaining / a.limit ? b : a));
  };
}

const unavailable = () =>
  new GraphQLError('Rate limiting is unavailable; try again shortly', {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
  });

/**
 * Cost-weighted rate limits per API key, user or IP, shared by every instance through Redis.
 * Charged once the operation is known (so its cost can be estimated); a request that never gets
 * that far (syntax or validation error) costs 1 point. Every response carries the RateLimit
 * headers; a refused one is HTTP 429 `RATE_LIMITED` with Retry-After.
 */
export function rateLimit(o: RateLimitOptions): ApolloServerPlugin<GatewayContext> {
  const consume = createLimiter(o);
  if (!o.redis) o.log.info('rate limits are per gateway instance (no REDIS_URL): each instance counts its own requests');
  return {
    async requestDidStart({ contextValue }) {
      const buckets = bucketsFor(contextValue as Caller, o);
      let charged: Promise<Outcome> | undefined;
      return {
        async didResolveOperation(rc) {
          charged = consume(buckets, pointsFor(o.cost(rc), o.costUnit));
          const outcome = await charged;
          if (!outcome.limited) return;
          const tier = buckets.find((b) => b.limit === outcome.limit)?.tier ?? 'unknown';
          limited.inc({ tier });
          const retryAfter = Math.max(1, Math.ceil(outcome.resetMs / 1000));
          throw new GraphQLError(`Rate limit exceeded (${outcome.limit} points per ${WINDOW_SECONDS} s); retry in ${retryAfter} s`, {
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfter, http: { status: 429, headers: new HeaderMap(rateLimitHeaders(outcome)) } },
          });
        },
        async willSendResponse({ response }) {
          const outcome = await (charged ??= consume(buckets, 1)).catch(() => undefined);
          if (outcome) for (const [name, value] of rateLimitHeaders(outcome)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
