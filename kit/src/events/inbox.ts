import type { Db, Queryable } from '../db/pool';
import type { Logger } from '../logger';
import type { DeliveredMessage, EventBus, Subscription } from './bus';
import { MalformedEventError } from './domain-events';
import { messageToEnvelope, type EventEnvelope } from './envelope';
import { eventMetrics } from './metrics';
import { withConsumerSpan } from './trace-context';

export interface ConsumeEventsOptions {
  db: Db;
  bus: EventBus;
  /** Stable consumer name: the consumer group and the inbox scope, e.g. `inventory.reservations`. */
  consumer: string;
  topics: string[];
  /**
   * Applies one event using `q`, the transaction that also records it in the inbox: the effect
   * and the "processed" mark commit together. Throw to have the event retried.
   */
  handle: (event: EventEnvelope, q: Queryable) => Promise<void>;
  log: Logger;
  /** For a consumer group without committed offsets; see SubscribeOptions. Default true. */
  fromBeginning?: boolean;
}

/**
 * Subscribes with exactly-once effects on top of at-least-once delivery: each event runs in one
 * transaction that first claims (consumer, event id) in the inbox; a redelivered event finds its
 * claim and is acknowledged without a second effect.
 */
export function consumeEvents(options: ConsumeEventsOptions): Promise<Subscription> {
  const { db, bus, consumer, topics, handle, log } = options;
  return bus.subscribe({
    groupId: consumer,
    topics,
    fromBeginning: options.fromBeginning ?? true,
    handler: (message) => applyOnce(message, { db, consumer, handle, log }),
  });
}

async function applyOnce(
  message: DeliveredMessage,
  ctx: Pick<ConsumeEventsOptions, 'db' | 'consumer' | 'handle' | 'log'>,
): Promise<void> {
  const decoded = messageToEnvelope(message);
  if (!decoded.ok) {
    // Retrying cannot repair it, and stalling the partition would stop every later event.
    eventMetrics.malformed.inc({ topic: message.topic });
    ctx.log.error(
      { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, reason: decoded.reason },
      'malformed event skipped',
    );
    return;
  }
  const { event, traceHeaders } = decoded;
  try {
    await applyInTransaction(event, traceHeaders, message, ctx);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err; // retried by the bus
    // Its transaction rolled back (no inbox claim, no effect); like a malformed envelope, skip it.
    eventMetrics.malformed.inc({ topic: message.topic });
    ctx.log.error(
      { topic: message.topic, partition: message.partition, offset: message.offset, eventId: event.id, type: event.type, reason: err.reason },
      'malformed event payload skipped',
    );
  }
}

async function applyInTransaction(
  event: EventEnvelope,
  traceHeaders: Record<string, string>,
  message: DeliveredMessage,
  ctx: Pick<ConsumeEventsOptions, 'db' | 'consumer' | 'handle' | 'log'>,
): Promise<void> {
  await withConsumerSpan(traceHeaders, event, message.topic, ctx.consumer, async () => {
    const applied = await ctx.db.tx(async (q) => {
      const claimed = await q.query(
        'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [ctx.consumer, event.id],
      );
      if (!claimed.rowCount) return false;
      await ctx.handle(event, q);
      return true;
    });
    eventMetrics.consumed.inc({ consumer: ctx.consumer, outcome: applied ? 'applied' : 'duplicate' });
    if (!applied) ctx.log.debug({ eventId: event.id, type: event.type }, 'duplicate event ignored');
  });
}
