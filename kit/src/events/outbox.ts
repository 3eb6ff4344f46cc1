import type { Queryable } from '../db/pool';
import { createEnvelope, envelopeToMessage, topicFor, type EventEnvelope, type NewEvent } from './envelope';
import { traceHeadersForNewEvent } from './trace-context';

/** The NOTIFY channel the relay listens on; notifications are delivered when the writer commits. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Records an event in the outbox inside the caller's transaction, so the state change and the
 * event commit (or roll back) together. Call it after the statement that changed (and so locked)
 * the aggregate: then events of one aggregate get increasing seq numbers in commit order.
 */
export async function recordEvent<D>(q: Queryable, domain: string, event: NewEvent<D>): Promise<EventEnvelope<D>> {
  const envelope = createEnvelope(domain, event);
  const topic = topicFor(domain);
  const { headers } = envelopeToMessage(envelope, traceHeadersForNewEvent(envelope, topic));
  // One round trip: the row and the wake-up (delivered at commit; duplicates within a
  // transaction are folded into one by Postgres).
  await q.query(
    `WITH row AS (INSERT INTO outbox (id, topic, aggregate_id, type, envelope, headers) VALUES ($1, $2, $3, $4, $5, $6) RETURNING topic)
     SELECT pg_notify($7, topic) FROM row`,
    [envelope.id, topic, envelope.aggregateId, envelope.type, JSON.stringify(envelope), JSON.stringify(headers), OUTBOX_CHANNEL],
  );
  return envelope;
}

/**
 * `recordEvent` for several events of one domain in one statement (a consumer batch announcing
 * what it did): the rows get increasing seq numbers in the order given, one wake-up for all.
 */
export async function recordEvents<D>(q: Queryable, domain: string, events: NewEvent<D>[]): Promise<EventEnvelope<D>[]> {
  if (!events.length) return [];
  const topic = topicFor(domain);
  const envelopes = events.map((e) => createEnvelope(domain, e));
  const headers = envelopes.map((envelope) => JSON.stringify(envelopeToMessage(envelope, traceHeadersForNewEvent(envelope, topic)).headers));
  await q.query(
    `WITH rows AS (
       INSERT INTO outbox (id, topic, aggregate_id, type, envelope, headers)
       SELECT r.id, $1::text, r.aggregate_id, r.type, r.envelope, r.headers
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS r(id, aggregate_id, type, envelope, headers, n)
       ORDER BY r.n RETURNING 1)
     SELECT pg_notify($7, $1::text) FROM (SELECT 1 FROM rows LIMIT 1) AS any_row`,
    [
      topic,
      envelopes.map((e) => e.id),
      envelopes.map((e) => e.aggregateId),
      envelopes.map((e) => e.type),
      envelopes.map((e) => JSON.stringify(e)),
      headers,
      OUTBOX_CHANNEL,
    ],
  );
  return envelopes;
}
