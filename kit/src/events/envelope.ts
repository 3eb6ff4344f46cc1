import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BusMessage } from './bus';

/**
 * The versioned event envelope every domain publishes. `version` is the schema version of `data`
 * for this `type`, so a consumer can accept old and new shapes side by side during a rollout.
 */
export interface EventEnvelope<D = unknown> {
  id: string;
  /** PascalCase past tense, e.g. `OrderPlaced`. */
  type: string;
  /** The producing domain, e.g. `orders`; also names the topic (`cloudlab.orders`). */
  source: string;
  /** ISO-8601 time the event was recorded. */
  time: string;
  aggregateId: string;
  version: number;
  data: D;
}

/** What a domain passes to `recordEvent`; id, source and time are filled in. */
export interface NewEvent<D = unknown> {
  type: string;
  aggregateId: string;
  data: D;
  version?: number;
}

const domainName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and - only');

export const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'PascalCase, e.g. OrderPlaced'),
  source: domainName,
  time: z.string().datetime({ offset: true }),
  aggregateId: z.string().min(1).max(200),
  version: z.number().int().min(1),
  data: z.unknown(),
});

/** One topic per producing domain. */
export function topicFor(domain: string): string {
  return `cloudlab.${domainName.parse(domain)}`;
}

export function createEnvelope<D>(domain: string, event: NewEvent<D>): EventEnvelope<D> {
  const envelope = {
    id: randomUUID(),
    type: event.type,
    source: domain,
    time: new Date().toISOString(),
    aggregateId: event.aggregateId,
    version: event.version ?? 1,
    data: event.data,
  };
  const checked = envelopeSchema.safeParse(envelope);
  if (!checked.success) throw new Error(`invalid ${domain} event ${event.type}: ${describe(checked.error)}`);
  if (event.data === undefined) throw new Error(`invalid ${domain} event ${event.type}: data is required`);
  return envelope;
}

/**
 * The Kafka record for an envelope. CloudEvents attributes (binary content mode) and the trace
 * context go in headers, so routers and tracing read them without parsing the value.
 */
export function envelopeToMessage(envelope: EventEnvelope, traceHeaders: Record<string, string> = {}): BusMessage {
  return {
    key: envelope.aggregateId,
    value: JSON.stringify(envelope),
    headers: {
      ce_specversion: '1.0',
      ce_id: envelope.id,
      ce_type: envelope.type,
      ce_source: envelope.source,
      ce_time: envelope.time,
      ...pickTraceHeaders(traceHeaders),
    },
  };
}

export type DecodedMessage =
  | { ok: true; event: EventEnvelope; traceHeaders: Record<string, string> }
  | { ok: false; reason: string };

/**
 * Reads an envelope back. Returns a reason instead of throwing: a malformed message can never
 * become valid by retrying, so the consumer reports it and moves on rather than stalling.
 */
export function messageToEnvelope(message: Pick<BusMessage, 'value' | 'headers' | 'key'>): DecodedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value);
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  const checked = envelopeSchema.safeParse(parsed);
  if (!checked.success) return { ok: false, reason: `not an event envelope: ${describe(checked.error)}` };
  const event = checked.data as EventEnvelope;
  const { headers } = message;
  // Headers are a copy of the envelope for routing; if they disagree, something rewrote one.
  for (const [header, field] of [['ce_id', 'id'], ['ce_type', 'type'], ['ce_source', 'source']] as const) {
    if (headers[header] !== undefined && headers[header] !== event[field]) {
      return { ok: false, reason: `header ${header}=${headers[header]} disagrees with envelope ${field}=${event[field]}` };
    }
  }
  if (message.key && message.key !== event.aggregateId) {
    return { ok: false, reason: `key ${message.key} disagrees with aggregateId ${event.aggregateId}` };
  }
  return { ok: true, event, traceHeaders: pickTraceHeaders(headers) };
}

/** W3C trace context headers only (traceparent, tracestate), whatever else the carrier held. */
export function pickTraceHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers.traceparent) out.traceparent = headers.traceparent;
  if (headers.tracestate) out.tracestate = headers.tracestate;
  return out;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
