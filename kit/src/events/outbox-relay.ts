import { connectionStringOf, type Db, type Queryable } from '../db/pool';
import type { Logger } from '../logger';
import { Backoff, Wakeup, sleep } from './backoff';
import type { BusMessage, EventBus } from './bus';
import { listen } from './listen';
import { eventMetrics, trackOutboxPending } from './metrics';
import { OUTBOX_CHANNEL } from './outbox';
import { poolTx } from './pool-tx';

export interface OutboxRelayOptions {
  db: Db;
  bus: EventBus;
  /** Names the relay in logs and in the `cloudlab_outbox_pending{domain}` gauge. */
  domain: string;
  log: Logger;
  /** Fallback poll when no NOTIFY arrives (e.g. the LISTEN connection is down). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Published rows older than this are deleted (they only serve debugging by then). */
  retainPublishedMs?: number;
}

export interface OutboxRelay {
  /** Rows recorded but not yet accepted by the bus. */
  pending(): Promise<number>;
  stop(): Promise<void>;
}

// One relay per database publishes at a time: with several instances each taking its own rows
// (SKIP LOCKED) a later event of an aggregate could overtake an earlier one. The lock is
// transaction-scoped, so a relay that dies releases it with its connection.
const RELAY_LOCK = 7262002;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Publishes outbox rows in seq order, marks them published, and never drops one: while the bus
 * fails, rows stay and are retried with capped exponential backoff (100 ms → 5 s). Wakes on
 * NOTIFY outbox (sent by recordEvent at commit) and polls as a fallback.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, bus, domain, log } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const retainMs = options.retainPublishedMs ?? 24 * 3600_000;
  const stop = new AbortController();
  const wakeup = new Wakeup();
  const listener = listen(connectionStringOf(db), OUTBOX_CHANNEL, () => wakeup.notify(), log);
  // The relay's own statements go straight to the pool: they are not request work (see pool-tx.ts).
  const pending = async () =>
    Number((await db.pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n);
  const untrack = trackOutboxPending(domain, pending);

  const run = async () => {
    const backoff = new Backoff(100, 5_000);
    let lastPrune = 0;
    while (!stop.signal.aborted) {
      try {
        const { published, error } = await poolTx(db.pool, (q) => relayBatch(q, bus, batchSize));
        if (error) throw error;
        if (backoff.attempts) log.info({ domain, failedAttempts: backoff.attempts }, 'outbox relay recovered');
        backoff.reset();
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await db.pool.query('DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)', [retainMs / 1000]);
        }
        if (published < batchSize) await wakeup.wait(pollIntervalMs, stop.signal);
      } catch (err) {
        const delay = backoff.next();
        log.warn({ err, domain, attempt: backoff.attempts, retryInMs: delay }, 'outbox relay could not publish; rows kept for retry');
        await sleep(delay, stop.signal);
      }
    }
  };
  const running = run();

  return {
    pending,
    async stop() {
      stop.abort();
      await running;
      untrack();
      await listener.close();
    },
  };
}

/**
 * Publishes the oldest unpublished rows and marks the accepted ones. A bus error is returned, not
 * thrown, so the transaction still commits the progress made before it (no needless resends).
 * `published` is 0 when another relay holds the lock.
 */
async function relayBatch(q: Queryable, bus: EventBus, batchSize: number): Promise<{ published: number; error?: unknown }> {
  const locked = await q.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [RELAY_LOCK]);
  if (!locked.rows[0].ok) return { published: 0 };
  const { rows } = await q.query<{ id: string; topic: string; aggregate_id: string; envelope: unknown; headers: Record<string, string> }>(
    `SELECT id, topic, aggregate_id, envelope, headers FROM outbox
     WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
    [batchSize],
  );
  // Rows of one topic go out in one call, topics in order of first appearance: order per
  // aggregate holds because an aggregate's events all share one topic.
  const byTopic = new Map<string, { ids: string[]; messages: BusMessage[] }>();
  for (const row of rows) {
    const group = byTopic.get(row.topic) ?? { ids: [], messages: [] };
    group.ids.push(row.id);
    group.messages.push({ key: row.aggregate_id, value: JSON.stringify(row.envelope), headers: row.headers });
    byTopic.set(row.topic, group);
  }
  const done: string[] = [];
  let error: unknown;
  for (const [topic, group] of byTopic) {
    try {
      await bus.publish(topic, group.messages);
    } catch (err) {
      error = err;
      break;
    }
    done.push(...group.ids);
    eventMetrics.published.inc({ topic }, group.ids.length);
  }
  if (done.length) await q.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [done]);
  return { published: done.length, error };
}

