import type { Logger } from '../logger';
import { retryUntilDone, type BatchHandler } from './lanes';

/** What travels on a topic: Kafka's record shape, reduced to what Cloud Lab uses. */
export interface BusMessage {
  /** Partitioning key (the aggregate id): messages with the same key keep their order. */
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A message as a subscriber receives it, with where it came from (for logs and tests). */
export interface DeliveredMessage extends BusMessage {
  topic: string;
  partition: number;
  /** Kafka offset or embedded-log sequence number, as a string (Kafka's are bigints). */
  offset: string;
}

export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

export interface SubscribeOptions {
  /**
   * Consumer group: instances sharing it share the work and the committed offsets. Omit it (or
   * set `broadcast`) for a per-instance subscription in which every instance sees every event.
   */
  groupId?: string;
  /** Every instance sees every event, starting from now; offsets live in memory only. */
  broadcast?: boolean;
  topics: string[];
  /**
   * Where a group with no committed offset starts: the oldest retained message (default, so a
   * consumer deployed after its producer still sees every event) or the end of the topic.
   * Ignored for broadcast subscriptions, which always start at the end.
   */
  fromBeginning?: boolean;
  /**
   * Called once per message, in order per key. The offset is committed only after it resolves;
   * if it throws, the same message is retried with backoff and nothing behind it (same lane) moves on.
   */
  handler?: MessageHandler;
  /**
   * Instead of `handler`: called with up to `maxBatch` messages at once (in order per key), so a
   * consumer can apply them in one transaction. Throw and the whole batch is retried.
   */
  handleBatch?: BatchHandler;
  /**
   * Messages of different keys are handled in up to this many parallel lanes per poll (same key,
   * same lane, in order). Default: the bus's EVENT_CONSUMER_LANES. 1 = strictly one at a time.
   */
  lanes?: number;
  /** Most messages per handleBatch call; default the bus's EVENT_CONSUMER_MAX_BATCH. */
  maxBatch?: number;
}

export interface Subscription {
  /** Stops after the message in hand is handled; its offset is committed if the handler finished. */
  close(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'kafka' | 'embedded';
  /** Resolves once every message is durably accepted (Kafka: acks=all; embedded: committed). */
  publish(topic: string, messages: BusMessage[]): Promise<void>;
  /** Resolves once the subscription is positioned, so a publish after it is seen. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * How far a consumer group is behind on `topics`, per partition (committed offsets against the
   * end of each partition). For metrics and the saga's step clock; a group that never committed
   * counts from the start of the topic.
   */
  lag(groupId: string, topics: string[]): Promise<PartitionLag[]>;
  close(): Promise<void>;
}

/** Defaults for how subscriptions take their work (SubscribeOptions.lanes / maxBatch). */
export interface ConsumerTuning {
  lanes: number;
  maxBatch: number;
}


/** Checks what both implementations require of a subscription. */
export function checkSubscribeOptions(options: SubscribeOptions): { broadcast: boolean } {
  if (!options.topics.length) throw new Error('subscribe: at least one topic is required');
  if (!options.handler === !options.handleBatch) throw new Error('subscribe: give exactly one of handler and handleBatch');
  if (options.broadcast && options.groupId) {
    throw new Error(`subscribe: a broadcast subscription has no group (got groupId "${options.groupId}")`);
  }
  return { broadcast: options.broadcast === true || !options.groupId };
}

/**
 * Runs the handler until it succeeds (at-least-once: the caller commits only after `true`).
 * Returns false when the subscription closes first; the message is then redelivered later.
 */
export function deliverWithRetry(
  handler: MessageHandler,
  message: DeliveredMessage,
  ctx: { log: Logger; signal: AbortSignal; group: string },
): Promise<boolean> {
  return retryUntilDone(() => handler(message), [message], ctx);
}

/** Lag of a consumer group on one partition of a topic: messages published but not yet consumed. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}
