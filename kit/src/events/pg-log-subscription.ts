import type pg from 'pg';
import type { Queryable } from '../db/pool';
import type { Logger } from '../logger';
import { Backoff, Wakeup, sleep } from './backoff';
import type { DeliveredMessage, Subscription } from './bus';
import { deliverInLanes, type BatchDelivery } from './lanes';
import { poolTx } from './pool-tx';

export interface PgLogSubscriptionOptions {
  pool: pg.Pool;
  /** undefined = broadcast: offsets in memory, starting at the end of each topic. */
  groupId: string | undefined;
  topics: string[];
  fromBeginning: boolean;
  delivery: BatchDelivery;
  log: Logger;
  pollIntervalMs: number;
  batchSize: number;
}

interface LogRow {
  seq: number;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/**
 * One subscription on the embedded log: reads each topic in seq order from its offset, hands
 * the rows read to the handler (keys in parallel lanes, in order per key, retrying until they
 * succeed) and only then advances the offset.
 * Instances of one group share an offset row; `FOR UPDATE SKIP LOCKED` on it lets one instance
 * at a time work a topic, which keeps the topic's order.
 */
export class PgLogSubscription implements Subscription {
  private readonly stop = new AbortController();
  private readonly wakeup = new Wakeup();
  private readonly memoryOffsets = new Map<string, number>();
  private running: Promise<void> | undefined;
  private readonly poolQ: Queryable = { query: (text, values) => this.o.pool.query(text, values as any[]) };

  constructor(private readonly o: PgLogSubscriptionOptions) {}

  /** Positions the subscription (creating the group's offsets if new), then starts reading. */
  async start(): Promise<void> {
    for (const topic of this.o.topics) {
      if (this.o.groupId === undefined) {
        const end = await this.o.pool.query('SELECT coalesce(max(seq), 0) AS seq FROM event_log WHERE topic = $1', [topic]);
        this.memoryOffsets.set(topic, Number(end.rows[0].seq));
      } else {
        // A publisher holds the topic's lock until commit, so no row below max(seq) can appear later.
        await this.o.pool.query(
          `INSERT INTO event_offsets (group_id, topic, last_seq)
           SELECT $1, $2, CASE WHEN $3 THEN 0 ELSE coalesce(max(seq), 0) END FROM event_log WHERE topic = $2
           ON CONFLICT (group_id, topic) DO NOTHING`,
          [this.o.groupId, topic, this.o.fromBeginning],
        );
      }
    }
    this.running = this.run();
  }

  /** Called on NOTIFY; `topic` undefined means "may have missed some, check everything". */
  notify(topic?: string): void {
    if (topic === undefined || this.o.topics.includes(topic)) this.wakeup.notify();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(200, 5_000);
    while (!this.stop.signal.aborted) {
      try {
        let more = false;
        for (const topic of this.o.topics) {
          if (await this.drain(topic)) more = true;
        }
        backoff.reset();
        if (!more) await this.wakeup.wait(this.o.pollIntervalMs, this.stop.signal);
      } catch (err) {
        const delay = backoff.next();
        this.o.log.warn({ err, topics: this.o.topics, group: this.o.groupId, retryInMs: delay }, 'embedded event log read failed; retrying');
        await sleep(delay, this.stop.signal);
      }
    }
  }

  /** Handles up to one batch of `topic`; true when a full batch was read (more may be waiting). */
  private async drain(topic: string): Promise<boolean> {
    const { groupId } = this.o;
    if (groupId === undefined) {
      const rows = await this.read(this.poolQ, topic, this.memoryOffsets.get(topic) ?? 0);
      if (!rows.length || !(await this.deliver(topic, rows, 'broadcast'))) return false;
      this.memoryOffsets.set(topic, rows.at(-1)!.seq);
      return rows.length === this.o.batchSize;
    }
    return poolTx(this.o.pool, async (q) => {
      const offset = await q.query(
        'SELECT last_seq FROM event_offsets WHERE group_id = $1 AND topic = $2 FOR UPDATE SKIP LOCKED',
        [groupId, topic],
      );
      if (!offset.rowCount) return false; // another instance of the group is on this topic
      const rows = await this.read(q, topic, Number(offset.rows[0].last_seq));
      // The whole read is handled (keys in parallel lanes, in order per key) before the offset
      // moves; a crash or close before that means redelivery, which the inbox absorbs.
      if (!rows.length || !(await this.deliver(topic, rows, groupId))) return false;
      await q.query('UPDATE event_offsets SET last_seq = $3 WHERE group_id = $1 AND topic = $2', [groupId, topic, rows.at(-1)!.seq]);
      return rows.length === this.o.batchSize;
    });
  }

  private async read(q: Queryable, topic: string, after: number): Promise<LogRow[]> {
    const { rows } = await q.query<LogRow>(
      'SELECT seq, key, headers, value FROM event_log WHERE topic = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [topic, after, this.o.batchSize],
    );
    return rows;
  }

  private deliver(topic: string, rows: LogRow[], group: string): Promise<boolean> {
    const messages: DeliveredMessage[] = rows.map((row) => ({ topic, partition: 0, offset: String(row.seq), key: row.key, value: row.value, headers: row.headers }));
    return deliverInLanes(messages, this.o.delivery, { log: this.o.log, signal: this.stop.signal, group });
  }
}
