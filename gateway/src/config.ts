import path from 'node:path';
import { z } from 'zod';
import { env, jwtEnv, loadConfig, metricsEnv } from '@cloudlab/kit';
import { drainEnv } from '@cloudlab/kit/server/drain';
import type { CorsOrigins } from './cors';

/** The gateway's settings: env first, then command-line flags (`--supergraph`, `--port`) win. */
export function gatewayConfig(argv: string[] = process.argv.slice(2), source = process.env) {
  const flags = parseFlags(argv);
  const c = loadConfig(
    {
      PORT: env.port(4000),
      HOST: z.string().default('0.0.0.0'),
      // Prometheus /metrics on an internal port, never the public one: unset → PORT + 1000, `0` → off.
      ...metricsEnv,
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      SUPERGRAPH_PATH: z.string().default(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql')),
      // Shared with the subgraphs; when unset the gateway forwards no identity (anonymous only).
      INTERNAL_SECRET: env.secret().optional(),
      // Where the public keys that verify user tokens live; default: the `accounts` subgraph's JWKS.
      JWT_JWKS_URL: env.optionalUrl(),
      ...jwtEnv,
      SUBGRAPH_TIMEOUT_MS: env.int(5000, 1),
      // Per-subgraph circuit breaker (breaker.ts): this many failed fetches in a row open it; an
      // open circuit fails fast for SUBGRAPH_BREAKER_HALF_OPEN_MS, then one probe may close it. 0: no breaker.
      SUBGRAPH_BREAKER_FAILURES: env.int(5, 0),
      SUBGRAPH_BREAKER_HALF_OPEN_MS: env.int(2000, 10),
      // Per-subgraph bulkhead: fetches at once, and waiting; beyond both, refused at once. 0: unbounded.
      SUBGRAPH_MAX_CONCURRENT: env.int(64, 0),
      SUBGRAPH_MAX_QUEUED: env.int(1000, 0),
      // `lean`: Cloud Lab's query plan executor (execution/README.md); `apollo`: @apollo/gateway's own.
      GATEWAY_EXECUTOR: z.enum(['lean', 'apollo']).default('lean'),
      // Identical subgraph query fetches (same subgraph, body and caller identity) share one request:
      // `inflight` between all requests in flight, `request` within one request, `off` (execution/inflight.ts).
      SUBGRAPH_FETCH_DEDUPE: z.enum(['off', 'request', 'inflight']).default('inflight'),
      // Gateway processes sharing the port (node:cluster); 1 = this process serves directly.
      GATEWAY_WORKERS: env.int(1, 1),
      READINESS_TIMEOUT_MS: env.int(1000, 1),
      BODY_LIMIT_BYTES: env.int(1 << 20, 1024),
      // Deeper JSON in a request body or GET parameter gets 400 BAD_REQUEST before anything walks it.
      JSON_MAX_DEPTH: env.int(64, 2),
      // Subscriptions over graphql-ws (subscriptions/README.md).
      SUBSCRIPTIONS_MAX_PER_CONNECTION: env.int(100, 1),
      SUBSCRIPTIONS_MAX_PER_USER: env.int(500, 1),
      SUBSCRIPTIONS_KEEPALIVE_MS: env.int(12_000, 0),
      SUBSCRIPTIONS_INIT_TIMEOUT_MS: env.int(3_000, 1),
      SUBSCRIPTIONS_MAX_QUEUE: env.int(1_000, 1),
      SUBSCRIPTIONS_DEDUPE: env.bool(true),
      // graphql-ws connections per client IP: open at once, and opened per minute (subscriptions/README.md).
      SUBSCRIPTIONS_MAX_CONNECTIONS_PER_IP: env.int(100, 1),
      SUBSCRIPTIONS_CONNECTS_PER_IP_PER_MIN: env.int(120, 1),
      // Operation limits, checked before planning (plugins/operation-limits.ts).
      OPERATION_MAX_DEPTH: env.int(15, 1),
      OPERATION_MAX_ALIASES: env.int(30, 0),
      OPERATION_MAX_ROOT_FIELDS: env.int(20, 1),
      OPERATION_MAX_TOKENS: env.int(5000, 100),
      // Parsed and validated documents (HTTP and graphql-ws share it), by their JSON size.
      DOCUMENT_CACHE_MAX_BYTES: env.int(8 << 20, 0),
      OPERATION_MAX_COST: env.int(10_000, 1),
      OPERATION_COST_LIST_SIZE: env.int(10, 1),
      OPERATION_COST_MAX_LIST_SIZE: env.int(100, 1),
      OPERATION_COST_WEIGHTS: fieldWeights(),
      // Trusted documents, API keys, APQ, the public cache policy.
      PERSISTED_QUERY_MANIFEST: z.string().default(path.join(__dirname, '..', '..', 'clients', 'persisted-query-manifest.json')),
      API_KEYS_FILE: z.string().default(path.join(__dirname, '..', 'api-keys.json')),
      REDIS_URL: env.optionalUrl(),
      APQ_TTL_SECONDS: env.int(86_400, 0),
      HTTP_CACHE_MAX_AGE_SECONDS: env.int(60, 0),
      // Rate limits (plugins/rate-limit.ts) and the response cache (plugins/response-cache.ts),
      // shared by every instance through REDIS_URL; without it, per instance in memory.
      REDIS_PREFIX: z.string().default('cloudlab:'),
      // How long a starting gateway waits for its first Redis connection before it listens (0: not at all).
      REDIS_START_WAIT_MS: env.int(2000, 0),
      RATE_LIMIT_ENABLED: env.bool(true),
      RATE_LIMIT_ANON_PER_MIN: env.int(300, 1),
      RATE_LIMIT_USER_PER_MIN: env.int(1200, 1),
      RATE_LIMIT_TIERS: jsonRecord('{"partner":6000,"mobile":20000}'),
      RATE_LIMIT_COST_UNIT: env.int(100, 1),
      RATE_LIMIT_FAIL_OPEN: env.bool(true),
      // Proxies in front of the gateway whose X-Forwarded-For entries are believed (0: the socket's address).
      TRUST_PROXY: env.int(0, 0),
      RESPONSE_CACHE_ENABLED: env.bool(true),
      RESPONSE_CACHE_MAX_ENTRIES: env.int(10_000, 1),
      RESPONSE_CACHE_MAX_TTL_SECONDS: env.int(300, 1),
      RESPONSE_CACHE_MAX_ENTRY_BYTES: env.int(512 * 1024, 1024),
      // Where cache invalidations come from: the event bus (embedded log on DATABASE_URL, or Kafka).
      DATABASE_URL: env.optionalUrl(),
      DB_PREFIX: env.dbPrefix(),
      KAFKA_BROKERS: z.string().default(''),
      KAFKA_NAMESPACE: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
      // Security basics: a request that takes longer gets 504; browser origins allowed by CORS.
      REQUEST_TIMEOUT_MS: env.int(10_000, 1),
      CORS_ORIGINS: z.string().optional(),
      // Graceful drain on SIGTERM (kit/src/server/drain.ts).
      ...drainEnv,
    },
    { ...source, ...(flags.port ? { PORT: flags.port } : {}), ...(flags.supergraph ? { SUPERGRAPH_PATH: flags.supergraph } : {}) },
  );
  return {
    ...c,
    SUPERGRAPH_PATH: path.resolve(c.SUPERGRAPH_PATH),
    PERSISTED_QUERY_MANIFEST: path.resolve(c.PERSISTED_QUERY_MANIFEST),
    API_KEYS_FILE: path.resolve(c.API_KEYS_FILE),
    production: c.NODE_ENV === 'production',
    // Unset: any localhost origin in development, none in production; `*` allows every origin.
    CORS_ORIGINS: corsOrigins(c.CORS_ORIGINS, c.NODE_ENV === 'production'),
  };
}
export type GatewayConfig = ReturnType<typeof gatewayConfig>;

/** `Type.field=weight,…` (e.g. `Query.search=5,Product.reviews=2`): per-field cost hints. */
function fieldWeights() {
  return z
    .string()
    .default('')
    .refine((v) => v.split(',').every((p) => !p.trim() || /^\s*\w+\.\w+\s*=\s*\d+\s*$/.test(p)), 'expected Type.field=N,…')
    .transform((v) => Object.fromEntries(v.split(',').filter((p) => p.trim()).map((p) => p.split('=').map((x) => x.trim())).map(([k, n]) => [k!, Number(n)])));
}

/** A JSON object of positive integers, e.g. `{"partner":6000}` (rate-limit tiers, points per minute). */
function jsonRecord(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON, e.g. {"partner":6000,"mobile":20000}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.number().int().positive()));
}

function corsOrigins(value: string | undefined, production: boolean): CorsOrigins {
  if (value === undefined) return production ? [] : 'localhost';
  const list = value.split(',').map((o) => o.trim()).filter(Boolean);
  return list.includes('*') ? '*' : list;
}

function parseFlags(argv: string[]): { port?: string; supergraph?: string } {
  const out: { port?: string; supergraph?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2);
    const value = inline ?? argv[i + 1];
    if (flag === '--port' || flag === '--supergraph') {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      out[flag.slice(2) as 'port' | 'supergraph'] = value;
      if (inline === undefined) i++;
    } else if (flag === '--help' || flag === '-h') {
      console.log('usage: gateway [--supergraph FILE] [--port N]\nSubgraph URLs come from the file; override one with SUBGRAPH_<NAME>_URL.');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${argv[i]} (try --help)`);
    }
  }
  return out;
}
