import { randomUUID } from 'node:crypto';
import { Consumer, MessagesStreamModes, stringDeserializers, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../logger';
import { Backoff, sleep } from './backoff';
import type { DeliveredMessage, Subscription } from './bus';
import { deliverInLanes, type BatchDelivery } from './lanes';

type StringMessage = Message<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;

export interface KafkaSubscriptionOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Physical (namespaced) topic names. */
  topics: string[];
  /** Maps a physical topic back to the name the application uses. */
  logicalTopic: (topic: string) => string;
  fromBeginning: boolean;
  delivery: BatchDelivery;
  log: Logger;
  /** How long subscribe() waits to be positioned before it returns and keeps trying alone. */
  readyTimeoutMs: number;
  /** Runs before each connection attempt until it succeeds once (creates missing topics). */
  prepare: () => Promise<void>;
}

// After this many failed attempts in a row the consumer is replaced; until then it is reused,
// which keeps its client state and group membership for a quick resume. Two, not more: when a
// cluster loses the broker that coordinated the group, the old consumer keeps asking it
// (NOT_COORDINATOR, each attempt ~2 s of client retries) and only a new one finds the new
// coordinator; five attempts held a group for over 12 s, past the saga's step clock.
const REPLACE_AFTER_FAILURES = 2;
const COMMIT_EVERY_MS = 200;
// Most messages handed over in one poll (the stream's buffer holds up to highWaterMark more).
const MAX_POLL = 500;

/**
 * A supervised consumer: reads in order, commits each offset only after the handler resolved,
 * and when the stream dies (broker gone, rebalance error) opens a new one from the committed
 * offsets with backoff, for as long as the subscription is open.
 */
export class KafkaSubscription implements Subscription {
  private readonly stop = new AbortController();
  private stream: StringStream | undefined;
  private running: Promise<void> | undefined;
  private markReady: () => void = () => undefined;
  // Static membership (KIP-345), one id per subscription kept across reconnects: after a broker
  // restart the coordinator hands the same member its partitions back at once instead of waiting
  // for the old membership's session to expire. close() still leaves the group, so a stopped
  // instance's partitions move on within a heartbeat.
  private readonly instanceId: string;
  // The newest handled message per partition whose offset is not committed yet. Commits are
  // coalesced (every COMMIT_EVERY_MS) instead of one broker round trip per message: a crash
  // can only redeliver the last few handled messages, which the consumers' inbox absorbs.
  private readonly uncommitted = new Map<string, StringMessage>();
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: KafkaSubscriptionOptions) {
    this.instanceId = `${o.clientId}-${randomUUID()}`;
  }

  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => (this.markReady = resolve));
    this.running = this.run();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.o.readyTimeoutMs)));
    if ((await Promise.race([ready, late])) === 'late') {
      this.o.log.warn({ group: this.o.groupId, topics: this.o.topics }, 'Kafka consumer not positioned yet; it keeps trying in the background');
    }
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.commitHandled();
    await this.stream?.close().catch(() => undefined);
    await this.running;
  }

  private newConsumer(): Consumer<string, string, string, string> {
    const consumer = new Consumer({
      clientId: this.o.clientId,
      groupId: this.o.groupId,
      groupInstanceId: this.instanceId,
      bootstrapBrokers: this.o.brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 500,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      highWaterMark: 1024,
      retries: 3,
      retryDelay: 500,
    });
    // Emitted when a rejoin after a failed heartbeat fails; unhandled it would crash the process.
    consumer.on('error', (err: Error) => this.o.log.warn({ err, group: this.o.groupId }, 'Kafka consumer error'));
    consumer.on('consumer:group:join', (p: { memberId: string; assignments?: unknown }) =>
      this.o.log.debug({ group: this.o.groupId, memberId: p.memberId, assignments: p.assignments }, 'Kafka consumer joined its group'),
    );
    return consumer;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(200, 5_000);
    let consumer: Consumer<string, string, string, string> | undefined;
    let failures = 0;
    let prepared = false;
    while (!this.stop.signal.aborted) {
      try {
        if (!prepared) {
          await this.o.prepare();
          prepared = true;
        }
        if (!consumer || failures >= REPLACE_AFTER_FAILURES || !consumer.isActive()) {
          if (consumer) await closeConsumer(consumer);
          consumer = this.newConsumer();
          failures = 0;
        }
        const stream = await consumer.consume({
          topics: this.o.topics,
          mode: MessagesStreamModes.COMMITTED,
          fallbackMode: this.o.fromBeginning ? 'earliest' : 'latest',
          autocommit: false,
        });
        this.stream = stream;
        // Errors reach the loop through the iterator; this only keeps an 'error' event emitted
        // between two awaits from becoming an uncaught exception.
        stream.on('error', () => undefined);
        if (this.stop.signal.aborted) break;
        await positioned(stream);
        this.markReady();
        if (failures || backoff.attempts) this.o.log.info({ group: this.o.groupId }, 'Kafka consumer resumed');
        failures = 0;
        backoff.reset();
        // A poll's worth of messages (what the stream holds already) is handled at once: keys in
        // parallel lanes, batches per lane. Meanwhile the stream fetches the next poll.
        const poll: StringMessage[] = [];
        for await (const message of stream as AsyncIterable<StringMessage>) {
          // A fetch in flight across a rebalance can return records of partitions that now
          // belong to another member: skip them (the owner reads them too) and never commit
          // for them, or the owner's unprocessed records could be committed past.
          if (isAssigned(consumer, message.topic, message.partition)) poll.push(message);
          // More is buffered: take it into this poll. (A skipped message must not leave the
          // poll waiting for a next message that may not come.)
          if (!poll.length || (stream.readableLength > 0 && poll.length < MAX_POLL)) continue;
          // A rebalance while the poll filled up may have taken partitions away: not ours now.
          const mine = poll.splice(0).filter((m) => isAssigned(consumer!, m.topic, m.partition));
          if (mine.length && !(await this.handle(mine))) break;
        }
      } catch (err) {
        failures++;
        if (!this.stop.signal.aborted) {
          this.o.log.warn({ err, group: this.o.groupId, consecutiveFailures: failures }, 'Kafka consumer stream failed; reopening from committed offsets');
        }
      } finally {
        await this.commitHandled();
        await this.stream?.close().catch(() => undefined);
        this.stream = undefined;
      }
      if (!this.stop.signal.aborted) await sleep(backoff.next(), this.stop.signal);
    }
    if (consumer) await closeConsumer(consumer);
  }

  /** Delivers a poll's messages and marks them for commit; false when the subscription closed first. */
  private async handle(messages: StringMessage[]): Promise<boolean> {
    const delivered: DeliveredMessage[] = messages.map((message) => ({
      topic: this.o.logicalTopic(message.topic),
      partition: message.partition,
      offset: message.offset.toString(),
      key: message.key ?? '',
      value: message.value ?? '',
      headers: Object.fromEntries(message.headers ?? []),
    }));
    const handled = await deliverInLanes(delivered, this.o.delivery, { log: this.o.log, signal: this.stop.signal, group: this.o.groupId });
    if (!handled) return false;
    // In partition order, so the last one per partition is the one to commit.
    for (const message of messages) this.uncommitted.set(`${message.topic}:${message.partition}`, message);
    this.commitTimer ??= setTimeout(() => void this.commitHandled(), COMMIT_EVERY_MS);
    return true;
  }

  /** Commits the offsets of everything handled so far. */
  private async commitHandled(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const messages = [...this.uncommitted.values()];
    this.uncommitted.clear();
    for (const message of messages) {
      try {
        await message.commit();
      } catch (err) {
        // Not fatal: the message comes again after a restart or rebalance, and the inbox absorbs it.
        this.o.log.warn({ err, topic: message.topic, partition: message.partition, offset: message.offset.toString() }, 'Kafka offset commit failed');
      }
    }
  }
}

function isAssigned(consumer: Consumer<string, string, string, string>, topic: string, partition: number): boolean {
  return consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
}

/** Force-closes a consumer (and its streams); a broker that is away must not block shutdown. */
function closeConsumer(consumer: Consumer<string, string, string, string>): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}

/**
 * Resolves once the stream knows where to read from (so a later publish is not missed), or when
 * it closes first (the read loop then ends at once); rejects if it fails first.
 */
function positioned(stream: StringStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('offsets', ok);
      stream.off('close', ok);
      stream.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const ok = () => done();
    stream.once('offsets', ok);
    stream.once('close', ok);
    stream.once('error', done);
  });
}
