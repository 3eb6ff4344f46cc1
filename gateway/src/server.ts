import { createServer, type Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { createLogger, defaultMetricsPort, maskError, serveMetrics } from '@cloudlab/kit';
import type { GatewayConfig } from './config';
import { contextFactory, type GatewayContext } from './context';
import { SubgraphDataSource } from './datasource';
import { httpHandler } from './http';
import { jwtVerifier } from './plugins/auth';
import { apiKeys } from './plugins/api-keys';
import { cachePolicy } from './plugins/cache-policy';
import { operationLimits } from './plugins/operation-limits';
import { loadManifest, persistedQueries } from './plugins/persisted-queries';
import { redisKeyValueCache } from './redis-cache';
import { clientIp, rateLimit } from './plugins/rate-limit';
import { responseCache } from './plugins/response-cache';
import { offlineCapableSandbox } from './plugins/sandbox';
import { upstreamRefusals } from './plugins/upstream-refusals';
import { incrementalDelivery } from './plugins/incremental-delivery';
import { memoryCacheStore, redisCacheStore } from './cache-store';
import { startCacheInvalidation } from './cache-invalidation';
import { corsHandler } from './cors';
import { connectRedis } from './redis';
import { readinessProbe } from './readiness';
import { serveSubscriptions, subscriptionHandoff, SubscriptionPlanner } from './subscriptions';
import { fileSupergraph, subgraphUrl } from './supergraph';
import { LeanGateway } from './execution';
import { closeGracefully, sleep, trackRequests } from '@cloudlab/kit/server/drain';

/**
 * The gateway: @apollo/gateway over a supergraph file, inside @apollo/server, behind a small
 * node:http handler. Every edge feature is listed in `plugins` below.
 */
export async function startGateway(config: GatewayConfig): Promise<{ server: Server; stop: () => Promise<void> }> {
  const log = createLogger('gateway', config.LOG_LEVEL);
  const urls = new Map<string, string>();
  const services = new Map<string, SubgraphDataSource>();
  let loaded = false;
  const manifest = loadManifest(config.PERSISTED_QUERY_MANIFEST);
  // One Redis connection for APQ, rate limits and the response cache; each degrades while it is down.
  const redisConnection = config.REDIS_URL ? connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log }) : undefined;
  const redis = redisConnection?.client;
  const cache = config.RESPONSE_CACHE_ENABLED
    ? responseCache({
        store: redisConnection ? redisCacheStore(redisConnection) : memoryCacheStore(config.RESPONSE_CACHE_MAX_ENTRIES),
        maxTtlSeconds: config.RESPONSE_CACHE_MAX_TTL_SECONDS,
        maxEntryBytes: config.RESPONSE_CACHE_MAX_ENTRY_BYTES,
        log,
      })
    : undefined;

  const breaker = config.SUBGRAPH_BREAKER_FAILURES
    ? { failures: config.SUBGRAPH_BREAKER_FAILURES, halfOpenAfterMs: config.SUBGRAPH_BREAKER_HALF_OPEN_MS, maxConcurrent: config.SUBGRAPH_MAX_CONCURRENT, maxQueued: config.SUBGRAPH_MAX_QUEUED }
    : undefined;
  // Same planning, loading and data sources either way; only the query plan executor differs.
  const gateway = new (config.GATEWAY_EXECUTOR === 'lean' ? LeanGateway : ApolloGateway)({
    supergraphSdl: fileSupergraph(config.SUPERGRAPH_PATH, log),
    buildService: ({ name, url }) => {
      const resolved = subgraphUrl(name, url);
      urls.set(name, resolved);
      const source = new SubgraphDataSource(name, resolved, config.SUBGRAPH_TIMEOUT_MS, config.GATEWAY_EXECUTOR === 'lean', config.INTERNAL_SECRET, cache?.observer, config.SUBGRAPH_FETCH_DEDUPE, breaker);
      services.set(name, source);
      return source;
    },
    logger: log,
  });

  const limits = operationLimits({
    maxDepth: config.OPERATION_MAX_DEPTH,
    maxAliases: config.OPERATION_MAX_ALIASES,
    maxRootFields: config.OPERATION_MAX_ROOT_FIELDS,
    maxTokens: config.OPERATION_MAX_TOKENS,
    maxCost: config.OPERATION_MAX_COST,
    defaultListSize: config.OPERATION_COST_LIST_SIZE,
    maxListSize: config.OPERATION_COST_MAX_LIST_SIZE,
    fieldWeights: config.OPERATION_COST_WEIGHTS,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    // Stack traces go to the logs, never to clients (even in development they drown the message).
    includeStacktraceInErrorResponses: false,
    // main.ts owns the drain: Apollo's own handler would stop the server under requests in flight
    // and then re-send SIGTERM, so the process died with 143 before its drain finished.
    stopOnTerminationSignals: false,
    // The kit's one masking function (also used by graphql-ws and the subgraphs): internal errors are
    // logged with the trace id and hidden in production; suggestions are stripped there.
    formatError: (formatted, error) => maskError(formatted, error, { production: config.production, log }),
    // Compact JSON (Apollo Server pretty-prints by default): less CPU and fewer bytes per answer.
    stringifyResult: (result) => `${JSON.stringify(result)}\n`,
    // Token limit: the parser stops counting there, before building any AST (plugins/operation-limits.ts names the error).
    parseOptions: { maxTokens: config.OPERATION_MAX_TOKENS },
    // Parsed and validated documents by hash, bounded by size (HTTP and graphql-ws share it); 0: none kept.
    documentStore: config.DOCUMENT_CACHE_MAX_BYTES ? new InMemoryLRUCache<DocumentNode>({ maxSize: config.DOCUMENT_CACHE_MAX_BYTES }) : null,
    // APQ for the first-party web app: shared by all gateway instances through Redis when configured.
    persistedQueries: {
      ...(redis ? { cache: redisKeyValueCache(redis, config.REDIS_PREFIX, log) /* Apollo adds `apq:` */ } : {}),
      ttl: config.APQ_TTL_SECONDS || null,
    },
    // A header no browser sends on its own: GET with an API key is not a CSRF risk.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'x-api-key'] },
    plugins: [
      config.production ? ApolloServerPluginLandingPageDisabled() : offlineCapableSandbox(),
      persistedQueries({ manifest }),
      limits,
      cachePolicy({ maxAge: config.HTTP_CACHE_MAX_AGE_SECONDS }),
      ...(config.RATE_LIMIT_ENABLED
        ? [
            rateLimit({
              anonPerMin: config.RATE_LIMIT_ANON_PER_MIN,
              userPerMin: config.RATE_LIMIT_USER_PER_MIN,
              tiers: config.RATE_LIMIT_TIERS,
              costUnit: config.RATE_LIMIT_COST_UNIT,
              failOpen: config.RATE_LIMIT_FAIL_OPEN,
              redis: redisConnection,
              // The operation limits' own estimate, from their cache (0 → 1 point for an operation they refuse).
              cost: limits.costOf,
              log,
            }),
          ]
        : []),
      ...(cache ? [cache] : []),
      // A subgraph's RATE_LIMITED refusal (the saga's backlog bound) as HTTP 429 + Retry-After.
      upstreamRefusals(),
      // @defer: multipart/mixed; deferSpec=20220824 for clients that accept it (execution/defer.ts); errors masked as above.
      incrementalDelivery({ formatError: (error) => maskError(error.toJSON(), error, { production: config.production, log }) }),
      // graphql-ws operations run this same pipeline; an accepted subscription leaves it here for the hub.
      subscriptionHandoff(),
    ],
    logger: log,
  });
  // Subscriptions are planned by the gateway's own QueryPlanner, followed across supergraph reloads.
  const planner = new SubscriptionPlanner(gateway);
  await apollo.start();
  loaded = true;

  // Resolved lazily: the accounts URL is known once the supergraph has loaded.
  let verifier: ReturnType<typeof jwtVerifier> | undefined;
  const verify = (authorization: string | undefined) => {
    verifier ??= jwtVerifier({
      jwksUrl: config.JWT_JWKS_URL ?? (urls.has('accounts') ? new URL('/.well-known/jwks.json', urls.get('accounts')).toString() : undefined),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
    return verifier(authorization);
  };
  const context = contextFactory({ verifier: verify, secret: config.INTERNAL_SECRET, client: apiKeys(config.API_KEYS_FILE) });

  const probe = readinessProbe({
    urls: () => urls,
    loaded: () => loaded,
    timeoutMs: config.READINESS_TIMEOUT_MS,
    secret: config.INTERNAL_SECRET,
    redis: redisConnection && (() => ({ status: redisConnection.status(), required: !config.RATE_LIMIT_FAIL_OPEN })),
  });
  let requests: ReturnType<typeof trackRequests> | undefined;
  const server = createServer(
    httpHandler({
      apollo,
      context: async (req) => ({ ...(await context(req.headers)), clientIp: clientIp(req, config.TRUST_PROXY) }),
      // Draining (SIGTERM): 503 at once, so balancers stop sending while requests in flight finish.
      // `/readyz?scope=self` (HAProxy's check): this instance alone; a slow subgraph must not take
      // every gateway out of the balancer at once.
      readiness: async (self) =>
        requests?.draining
          ? { status: 'draining', supergraph: loaded ? 'loaded' : 'not loaded', subgraphs: {}, redis: 'draining' }
          : self
            ? { status: loaded ? 'ready' : 'not ready', supergraph: loaded ? 'loaded' : 'not loaded', subgraphs: {}, redis: 'not checked (scope=self)' }
            : probe(),
      bodyLimit: config.BODY_LIMIT_BYTES,
      jsonMaxDepth: config.JSON_MAX_DEPTH,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      cors: corsHandler(config.CORS_ORIGINS),
      log,
    }),
  );
  requests = trackRequests(server);
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  // A client that takes longer than this to send its request (slowloris) gets 408 and is closed.
  server.requestTimeout = config.REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, config.REQUEST_TIMEOUT_MS);
  // Cached responses are deleted when the entities they show change (events from the domains).
  const invalidation = cache
    ? startCacheInvalidation({
        databaseUrl: config.DATABASE_URL,
        dbPrefix: config.DB_PREFIX,
        kafkaBrokers: config.KAFKA_BROKERS,
        namespace: config.KAFKA_NAMESPACE,
        invalidate: cache.invalidate,
        log,
      })
    : undefined;
  await invalidation?.ready;
  await redisConnection?.firstConnection(config.REDIS_START_WAIT_MS);
  // graphql-ws on the same server and path: an upgrade of GET /graphql.
  const live = serveSubscriptions({
    server,
    planner,
    services,
    urls,
    apollo,
    context: async (headers, req) => ({ ...(await context(headers)), clientIp: clientIp(req, config.TRUST_PROXY) }),
    clientIp: (req) => clientIp(req, config.TRUST_PROXY),
    secret: config.INTERNAL_SECRET,
    limits: { perConnection: config.SUBSCRIPTIONS_MAX_PER_CONNECTION, perUser: config.SUBSCRIPTIONS_MAX_PER_USER },
    connections: { maxPerIp: config.SUBSCRIPTIONS_MAX_CONNECTIONS_PER_IP, connectsPerMin: config.SUBSCRIPTIONS_CONNECTS_PER_IP_PER_MIN },
    keepAliveMs: config.SUBSCRIPTIONS_KEEPALIVE_MS,
    connectionInitTimeoutMs: config.SUBSCRIPTIONS_INIT_TIMEOUT_MS,
    maxQueue: config.SUBSCRIPTIONS_MAX_QUEUE,
    dedupe: config.SUBSCRIPTIONS_DEDUPE,
    maxPayloadBytes: config.BODY_LIMIT_BYTES,
    production: config.production,
    log,
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const metrics = await serveMetrics({ port: config.METRICS_PORT ?? defaultMetricsPort(config.PORT), host: config.METRICS_HOST });
  log.info({ port: config.PORT, metrics: metrics.url, supergraph: config.SUPERGRAPH_PATH, subgraphs: Object.fromEntries(urls) }, 'gateway ready');

  return {
    server,
    /**
     * Graceful drain: /readyz 503 at once; SHUTDOWN_DELAY_MS of normal service (balancers that
     * learn from health checks); graphql-ws clients closed with 1012 Service Restart (they
     * reconnect, through a balancer to another instance); no new connections; requests in
     * flight answered, bounded by DRAIN_TIMEOUT_MS; then Apollo, the invalidation consumer
     * (commits its offsets) and Redis.
     */
    stop: async () => {
      const tracker = requests!;
      tracker.begin();
      log.info({ inFlight: tracker.inFlight, delayMs: config.SHUTDOWN_DELAY_MS, timeoutMs: config.DRAIN_TIMEOUT_MS }, 'draining');
      await sleep(config.SHUTDOWN_DELAY_MS);
      await live.close();
      if (!(await closeGracefully(server, tracker, config.DRAIN_TIMEOUT_MS))) log.warn('drain timeout: closed the connections still open');
      await metrics.close();
      await apollo.stop();
      await invalidation?.stop();
      await redisConnection?.close();
    },
  };
}
