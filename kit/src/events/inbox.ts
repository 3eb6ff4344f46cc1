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
  /**
   * Runs first in a batch's transaction with the events about to be handled (not the duplicates),
   * e.g. to lock every row the batch will touch in one fixed order, so concurrent batches never
   * deadlock on each other.
   */
  prepare?: (events: EventEnvelope[], q: Queryable) => Promise<void>;
  /** Runs last in a batch's transaction, after its events were handled (e.g. one announcement per product instead of one per event). */
  finish?: (q: Queryable) => Promise<void>;
  log: Logger;
  /** For a consumer group without committed offsets; see SubscribeOptions. Default true. */
  fromBeginning?: boolean;
  /** Called after each batch was applied and committed (work that follows its effects may start now). */
  applied?: () => void;
}

type Ctx = Pick<ConsumeEventsOptions, 'db' | 'consumer' | 'handle' | 'prepare' | 'finish' | 'log'>;

/**
 * Subscribes with exactly-once effects on top of at-least-once delivery: the bus hands over
 * batches (in order per key) and each batch runs in one transaction that first claims
 * (consumer, event id) for all its events in the inbox; redelivered events find their claim and
 * are acknowledged without a second effect. One transaction per batch instead of per event is
 * what lets a consumer keep up under load.
 */
export function consumeEvents(options: ConsumeEventsOptions): Promise<Subscription> {
  const { db, bus, consumer, topics, handle, prepare, finish, log } = options;
  return bus.subscribe({
    groupId: consumer,
    topics,
    fromBeginning: options.fromBeginning ?? true,
    handleBatch: async (messages) => {
      await applyBatch(messages, { db, consumer, handle, prepare, finish, log });
      options.applied?.();
    },
  });
}

interface Decoded {
  message: DeliveredMessage;
  event: EventEnvelope;
  traceHeaders: Record<string, string>;
}

/**
 * Applies a batch in one transaction. If one payload is malformed the transaction rolls back
 * and the batch is applied event by event, so only that event is skipped.
 */
async function applyBatch(messages: DeliveredMessage[], ctx: Ctx): Promise<void> {
  if (messages.length === 1) return applyOnce(messages[0]!, ctx);
  const events: Decoded[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    const decoded = messageToEnvelope(message);
    if (!decoded.ok) {
      reportMalformedEnvelope(message, decoded.reason, ctx);
      continue;
    }
    // The same event twice in one batch (a relay that resent it): the first one counts.
    if (seen.has(decoded.event.id)) {
      eventMetrics.consumed.inc({ consumer: ctx.consumer, outcome: 'duplicate' });
      continue;
    }
    seen.add(decoded.event.id);
    events.push({ message, ...decoded });
  }
  if (!events.length) return;
  try {
    const applied = await ctx.db.tx(async (q) => {
      const claimed = await q.query<{ event_id: string }>(
        'INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
        [ctx.consumer, events.map((e) => e.event.id)],
      );
      const fresh = new Set(claimed.rows.map((r) => r.event_id));
      const todo = events.filter((e) => fresh.has(e.event.id));
      if (todo.length) await ctx.prepare?.(todo.map((e) => e.event), q);
      for (const e of todo) await withConsumerSpan(e.traceHeaders, e.event, e.message.topic, ctx.consumer, () => ctx.handle(e.event, q));
      if (todo.length) await ctx.finish?.(q);
      return todo.length;
    });
    eventMetrics.consumed.inc({ consumer: ctx.consumer, outcome: 'applied' }, applied);
    if (events.length > applied) eventMetrics.consumed.inc({ consumer: ctx.consumer, outcome: 'duplicate' }, events.length - applied);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err; // the whole batch is retried by the bus
    for (const e of events) await applyOnce(e.message, ctx);
  }
}

function reportMalformedEnvelope(message: DeliveredMessage, reason: string, ctx: Ctx): void {
  // Retrying cannot repair it, and stalling the partition would stop every later event.
  eventMetrics.malformed.inc({ topic: message.topic });
  ctx.log.error({ topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, reason }, 'malformed event skipped');
}

async function applyOnce(message: DeliveredMessage, ctx: Ctx): Promise<void> {
  const decoded = messageToEnvelope(message);
  if (!decoded.ok) return reportMalformedEnvelope(message, decoded.reason, ctx);
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
  ctx: Ctx,
): Promise<void> {
  await withConsumerSpan(traceHeaders, event, message.topic, ctx.consumer, async () => {
    const applied = await ctx.db.tx(async (q) => {
      const claimed = await q.query(
        'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [ctx.consumer, event.id],
      );
      if (!claimed.rowCount) return false;
      await ctx.prepare?.([event], q);
      await ctx.handle(event, q);
      await ctx.finish?.(q);
      return true;
    });
    eventMetrics.consumed.inc({ consumer: ctx.consumer, outcome: applied ? 'applied' : 'duplicate' });
    if (!applied) ctx.log.debug({ eventId: event.id, type: event.type }, 'duplicate event ignored');
  });
}
