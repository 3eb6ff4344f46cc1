import pg from 'pg';
import { databaseUrl, ensureDatabase, logPoolErrors } from '../db/pool';
import type { Logger } from '../logger';
import { checkSubscribeOptions, type BusMessage, type ConsumerTuning, type EventBus, type PartitionLag, type SubscribeOptions, type Subscription } from './bus';
import { listen } from './listen';
import { PgLogSubscription } from './pg-log-subscription';
import { poolTx } from './pool-tx';

export interface PgLogBusOptions {
  /** The Postgres server (DATABASE_URL); the log lives in its database `<dbPrefix>events`. */
  serverUrl: string;
  dbPrefix: string;
  log: Logger;
  /** Fallback poll when no NOTIFY arrives. */
  pollIntervalMs?: number;
  batchSize?: number;
  /**
   * Connections to the log database. Each group subscription holds one while it works a batch,
   * plus one for publishing; kept small because every subgraph process has its own pool on the
   * same server.
   */
  poolMax?: number;
  /** Subscriptions' default lanes and batch size. */
  tuning?: ConsumerTuning;
}

const CHANNEL = 'cloudlab_events';
const SCHEMA_LOCK = 7262003;
const TOPIC_LOCK = 7262004;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS event_log (
  topic text NOT NULL,
  seq bigserial NOT NULL,
  key text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, seq)
);
CREATE TABLE IF NOT EXISTS event_offsets (
  group_id text NOT NULL,
  topic text NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (group_id, topic)
);`;

/**
 * The embedded event log: Kafka's contract (durable topics, consumer groups with committed
 * offsets, at-least-once, order per key) on one shared Postgres database, so every subgraph
 * process can publish and consume without a broker. Order is kept per topic, which is stronger
 * than Kafka's per-partition order.
 */
export async function createPgLogBus(options: PgLogBusOptions): Promise<EventBus> {
  const { log } = options;
  const name = `${options.dbPrefix}events`;
  await ensureDatabase(options.serverUrl, name);
  const connectionString = databaseUrl(options.serverUrl, name);
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 3, idleTimeoutMillis: 10_000 });
  logPoolErrors(pool, log);
  await poolTx(pool, async (q) => {
    // Several processes start together; CREATE TABLE IF NOT EXISTS alone can still race.
    await q.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await q.query(SCHEMA);
  });

  const subscriptions = new Set<PgLogSubscription>();
  const listener = listen(connectionString, CHANNEL, (topic) => subscriptions.forEach((s) => s.notify(topic)), log);

  return {
    kind: 'embedded',
    async publish(topic: string, messages: BusMessage[]) {
      if (!messages.length) return;
      await poolTx(pool, async (q) => {
        // Serialises publishers per topic so seq order is commit order: a reader that has seen
        // seq n can never later find a smaller seq committed behind it.
        await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TOPIC_LOCK, topic]);
        const values: unknown[] = [topic];
        const rows = messages.map((m) => {
          values.push(m.key, JSON.stringify(m.headers), m.value);
          const n = values.length;
          return `($1, $${n - 2}, $${n - 1}::jsonb, $${n})`;
        });
        await q.query(`INSERT INTO event_log (topic, key, headers, value) VALUES ${rows.join(', ')}`, values);
        await q.query('SELECT pg_notify($1, $2)', [CHANNEL, topic]);
      });
    },
    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      const { broadcast } = checkSubscribeOptions(opts);
      const subscription = new PgLogSubscription({
        pool,
        groupId: broadcast ? undefined : opts.groupId,
        topics: opts.topics,
        fromBeginning: opts.fromBeginning ?? true,
        delivery: {
          handler: opts.handler,
          handleBatch: opts.handleBatch,
          lanes: opts.lanes ?? options.tuning?.lanes ?? 4,
          maxBatch: opts.maxBatch ?? options.tuning?.maxBatch ?? 50,
        },
        log,
        pollIntervalMs: options.pollIntervalMs ?? 1_000,
        batchSize: options.batchSize ?? 500,
      });
      await subscription.start();
      subscriptions.add(subscription);
      return {
        close: async () => {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },
    async lag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
      const { rows } = await pool.query<{ topic: string; lag: string }>(
        `SELECT t.topic, (SELECT count(*) FROM event_log l WHERE l.topic = t.topic AND l.seq >
                           coalesce((SELECT last_seq FROM event_offsets o WHERE o.group_id = $1 AND o.topic = t.topic), 0)) AS lag
         FROM unnest($2::text[]) AS t(topic)`,
        [groupId, topics],
      );
      return rows.map((r) => ({ topic: r.topic, partition: 0, lag: Math.max(0, Number(r.lag)) }));
    },
    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      await listener.close();
      await pool.end();
    },
  };
}
