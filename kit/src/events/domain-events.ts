import type { Queryable } from '../db/pool';
import type { EventEnvelope } from './envelope';
import { recordEvent, recordEvents } from './outbox';
import {
  Topics,
  domainOf,
  isEventType,
  parsePayload,
  type EventData,
  type EventInput,
  type EventType,
  type EventTypeOf,
  type ProducingDomain,
} from './payloads';

/**
 * A payload that does not match its event's schema. The inbox logs it and skips the event:
 * retrying cannot repair it, and stalling would stop every later event of the partition.
 */
export class MalformedEventError extends Error {
  constructor(
    readonly event: Pick<EventEnvelope, 'id' | 'type' | 'source' | 'aggregateId'>,
    readonly reason: string,
  ) {
    super(`${event.source} event ${event.type} ${event.id}: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/**
 * `recordEvent` for the event catalog: `data` is typed by the event's schema and checked before
 * it is written, so a producer can never publish what its consumers would refuse.
 */
export async function recordDomainEvent<D extends ProducingDomain, T extends EventTypeOf<D> & EventType>(
  q: Queryable,
  domain: D,
  event: { type: T; aggregateId: string; data: EventInput<T> },
): Promise<EventEnvelope<EventData<T>>> {
  return recordEvent(q, domain, checked(domain, event));
}

/** The event with its payload parsed by its schema; throws if it is not `domain`'s or does not match. */
function checked<T extends EventType>(domain: string, event: { type: T; aggregateId: string; data: EventInput<T> }) {
  if (domainOf(event.type) !== domain) throw new Error(`${event.type} is not an event of ${domain}`);
  const parsed = parsePayload(event.type, event.data);
  if (!parsed.ok) throw new Error(`${domain} cannot record ${parsed.reason}`);
  return { type: event.type, aggregateId: event.aggregateId, data: parsed.data };
}

/** `recordDomainEvent` for several events of one domain, each checked, written in one statement (outbox.ts: recordEvents). */
export async function recordDomainEvents<D extends ProducingDomain, T extends EventTypeOf<D> & EventType>(
  q: Queryable,
  domain: D,
  events: { type: T; aggregateId: string; data: EventInput<T> }[],
): Promise<EventEnvelope<EventData<T>>[]> {
  return recordEvents(q, domain, events.map((event) => checked(domain, event)));
}

/** A subgraph's `consumes`: its topics, the handler of one event, and optional batch hooks (see ConsumeEventsOptions). */
export interface EventConsumer {
  topics: string[];
  handle: (event: EventEnvelope, q: Queryable) => Promise<void>;
  prepare?: (events: EventEnvelope[], q: Queryable) => Promise<void>;
  finish?: (q: Queryable) => Promise<void>;
}

export type EventHandlers = {
  [T in EventType]?: (data: EventData<T>, q: Queryable, event: EventEnvelope) => Promise<void>;
};

/**
 * A subgraph's `consumes` from one handler per event type: the topics follow from the events'
 * producers, each payload is parsed by its schema before its handler sees it (a malformed one
 * throws MalformedEventError), and events without a handler are ignored.
 */
export function handleEvents(
  handlers: EventHandlers,
  options: Pick<EventConsumer, 'prepare' | 'finish'> = {},
): EventConsumer {
  const types = Object.keys(handlers) as EventType[];
  return {
    topics: [...new Set(types.map((type) => Topics[domainOf(type)]))],
    prepare: options.prepare,
    finish: options.finish,
    async handle(event, q) {
      // Only the catalog's producer of a type is trusted for it (a topic carries one domain).
      if (!isEventType(event.type) || domainOf(event.type) !== event.source) return;
      const handler = handlers[event.type] as ((data: unknown, q: Queryable, event: EventEnvelope) => Promise<void>) | undefined;
      if (!handler) return;
      const parsed = parsePayload(event.type, event.data);
      if (!parsed.ok) throw new MalformedEventError(event, parsed.reason);
      await handler(parsed.data, q, event);
    },
  };
}

/** A consumer-side read of one event's payload (live subscriptions): the data, or the reason it is refused. */
export function readEvent<T extends EventType>(type: T, event: EventEnvelope) {
  if (event.type !== type) return { ok: false as const, reason: `expected ${type}, got ${event.type}` };
  return parsePayload(type, event.data);
}
