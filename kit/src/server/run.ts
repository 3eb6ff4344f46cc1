import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { loadConfigOrExit, subgraphEnv } from '../config';
import { connectionStringOf } from '../db/pool';
import { createLogger } from '../logger';
import { ErrorCode } from '../errors';
import { defaultMetricsPort, serveMetrics } from '../metrics-server';
import { seedSizes } from '../demo/plan';
import { stopTelemetry } from '../telemetry';
import { buildContext, callerIsGateway } from './context';
import { isSeeded, openDatabase, openReadRouter, seedDatabase } from './database';
import type { SubgraphDefinition } from './definition';
import { startEvents } from './events';
import { serveSubscriptions } from './subscriptions';
import { drainEnv, sleep, trackRequests } from './drain';

/**
 * Starts one subgraph: config → database (create, migrate, seed when empty) → HTTP server with
 * /graphql, /healthz and /readyz, and /metrics on a separate internal port (METRICS_PORT).
 * Stops cleanly on SIGTERM/SIGINT.
 */
export async function runSubgraph<L>(def: SubgraphDefinition<L>) {
  const log = createLogger(def.name);
  const config = loadConfigOrExit({ ...subgraphEnv, ...drainEnv });
  const production = config.NODE_ENV === 'production';
  const db = await openDatabase(def, {
    serverUrl: config.DATABASE_URL,
    prefix: config.DB_PREFIX,
    poolMax: config.DB_POOL_MAX,
    log,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
  });
  const loadDemoData = async () => {
    const started = Date.now();
    const sizes = seedSizes();
    await seedDatabase(db, def, sizes, { reset: false });
    log.info({ ms: Date.now() - started, sizes }, 'demo data loaded');
  };
  // The demo data (an empty database, SEED_ON_EMPTY): loaded before serving, or with
  // SEED_IN_BACKGROUND while the subgraph already serves (its /readyz says `demoData: "loading"`,
  // its answers are `no-store` so no cache keeps a half-loaded page, and its event flow starts
  // once the seed has committed: events wait in the log, they never meet half-filled tables).
  // In the background it starts once the subgraph listens: coming up is not slowed by its own inserts.
  // Started by a stack (ops/stack.ts, an IPC channel to it), it waits for the stack's `seed`
  // message, sent once every service is up: ten seeds at once would slow the others' start by seconds.
  let listening = () => undefined as void;
  let seeding: Promise<void> | undefined;
  if (config.SEED_ON_EMPTY && !(await isSeeded(db))) {
    if (config.SEED_IN_BACKGROUND) {
      const listened = new Promise<void>((resolve) => (listening = resolve));
      seeding = listened.then(() => (process.channel ? stackSaysSeed() : undefined)).then(loadDemoData);
    } else await loadDemoData();
  }
  seeding?.then(
    () => (seeding = undefined),
    (err) => {
      log.fatal({ err }, 'demo data failed to load (its transaction rolled back; the next start tries again)');
      process.exit(1);
    },
  );

  const reads =
    def.readReplica && config.DATABASE_READ_URL
      ? await openReadRouter(def, db, {
          readUrl: config.DATABASE_READ_URL,
          prefix: config.DB_PREFIX,
          poolMax: config.DB_POOL_MAX,
          timeoutMs: config.REPLICA_TIMEOUT_MS,
          maxLagMs: config.REPLICA_MAX_LAG_MS,
          checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
          log,
        })
      : undefined;

  // A read model's cached answers (ChangeCache): kept only while reads go to the primary.
  const caches = reads ? [] : (def.readModel?.caches ?? []);
  for (const cache of caches) cache.start(connectionStringOf(db), log);

  const events = await startEvents(def, {
    db,
    log,
    databaseUrl: config.DATABASE_URL,
    dbPrefix: config.DB_PREFIX,
    kafkaBrokers: config.KAFKA_BROKERS,
    namespace: config.KAFKA_NAMESPACE,
    topics: { partitions: config.EVENT_TOPIC_PARTITIONS, replication: config.EVENT_TOPIC_REPLICATION, minInsync: config.EVENT_TOPIC_MIN_INSYNC },
    tuning: { lanes: config.EVENT_CONSUMER_LANES, maxBatch: config.EVENT_CONSUMER_MAX_BATCH },
    outboxBatchSize: config.OUTBOX_BATCH_SIZE,
    after: seeding,
  });
  events.flowing.catch((err) => {
    log.fatal({ err }, 'event flow failed to start');
    process.exit(1);
  });

  const app: FastifyInstance = Fastify({
    // Fastify's own per-request lines only at warn: request logs would be on the hot path.
    loggerInstance: log.child({}, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1 << 20,
    // While draining, a request that arrives on a kept-alive connection is still answered (with
    // `Connection: close`), not refused with 503: the gateway in front would count it as failed.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  const requests = trackRequests(app.server);
  const context = (req: { headers: Record<string, string | string[] | undefined> }) =>
    buildContext(req.headers, { db, log, secret: config.INTERNAL_SECRET, loaders: def.loaders, reads });

  // Only the gateway may call /graphql (its credential or identity token on every request);
  // health probes, /metrics and the subgraph's own routes (accounts' JWKS) stay open.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.split('?', 1)[0] !== '/graphql' || (await callerIsGateway(req.headers, config.INTERNAL_SECRET))) return;
    return reply.code(401).send({ errors: [{ message: 'Subgraphs answer the gateway only', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.addHook('onSend', async (req, reply, payload) => {
    if (seeding && req.url.split('?', 1)[0] === '/graphql') reply.header('cache-control', 'no-store');
    return payload;
  });
  app.get('/readyz', async (_req, reply) => {
    // Draining (SIGTERM): out of the balancer at once, while requests in flight are still answered.
    if (requests.draining) return reply.code(503).send({ status: 'draining' });
    try {
      await db.query('SELECT 1');
      return seeding ? { status: 'ready', demoData: 'loading' } : { status: 'ready' };
    } catch (err) {
      // The driver's message names hosts and ports: only in development.
      return reply.code(503).send({ status: 'unavailable', reason: production ? 'database unreachable' : (err as Error).message });
    }
  });
  await def.routes?.(app, { db });

  if (def.subscriptions && def.engine !== 'apollo') throw new Error(`${def.name}: subscriptions are served for the apollo engine only`);
  // Each engine's packages are loaded only by the subgraphs on it (~0.2 s of CPU at start apiece).
  if (def.engine === 'apollo') {
    const { mountApollo } = await import('./engine-apollo');
    const schema = await mountApollo(app, def, context, production);
    if (def.subscriptions) {
      await serveSubscriptions(app, { schema, bus: events.bus, topics: def.subscriptions.topics, context: (headers) => context({ headers }), trusted: (params) => callerIsGateway(params, config.INTERNAL_SECRET), loaders: () => def.loaders(db), production, log });
    }
  } else {
    const { mountMercurius } = await import('./engine-mercurius');
    await mountMercurius(app, def, context, production);
  }

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  listening();
  const metrics = await serveMetrics({ port: config.METRICS_PORT ?? defaultMetricsPort(config.PORT), host: config.METRICS_HOST });
  log.info({ address, metrics: metrics.url, engine: def.engine }, `${def.name} subgraph ready`);

  let stopping = false;
  /**
   * Graceful drain: /readyz 503 at once, SHUTDOWN_DELAY_MS of normal service for balancers that
   * learn from health checks, then no new connections, in-flight requests answered (bounded by
   * DRAIN_TIMEOUT_MS), graphql-ws clients closed with 1012 (preClose), consumers committed
   * (events.stop), exit 0.
   */
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    requests.begin();
    log.info({ inFlight: requests.inFlight, delayMs: config.SHUTDOWN_DELAY_MS, timeoutMs: config.DRAIN_TIMEOUT_MS }, 'draining');
    await sleep(config.SHUTDOWN_DELAY_MS);
    const closed = app.close();
    if (!(await requests.idle(config.DRAIN_TIMEOUT_MS))) {
      log.warn({ inFlight: requests.inFlight }, 'drain timeout: closing the connections still open');
      app.server.closeAllConnections();
    }
    await closed;
    await metrics.close();
    await events.stop();
    await Promise.all(caches.map((cache) => cache.close()));
    await reads?.close();
    await db.close();
    await stopTelemetry();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return { app, db, address, bus: events.bus };
}

/**
 * Asks the parent stack (ops/stack.ts) whether to seed now (`{ cloudlab: 'seed-wanted' }`) and
 * resolves on its answer `{ cloudlab: 'seed' }`, which comes once every service is up, or when the
 * parent goes away. The channel is unref'd: it never keeps the process alive by itself.
 */
function stackSaysSeed(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('message', onMessage);
      process.off('disconnect', done);
      process.channel?.unref();
      resolve();
    };
    const onMessage = (message: unknown) => {
      if ((message as { cloudlab?: string } | null)?.cloudlab === 'seed') done();
    };
    process.on('message', onMessage);
    process.once('disconnect', done);
    process.send?.({ cloudlab: 'seed-wanted' }, (err: Error | null) => err && done());
  });
}
