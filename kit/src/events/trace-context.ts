import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { EventEnvelope } from './envelope';

const tracer = trace.getTracer('cloudlab-events');

/**
 * Trace headers for an event recorded now. A short PRODUCER span marks the moment the event was
 * written, and the consumer's span becomes its child, so one trace runs producer → consumer even
 * though the relay publishes later from another context. Without an OpenTelemetry SDK this is a
 * no-op and returns no headers.
 */
export function traceHeadersForNewEvent(envelope: EventEnvelope, topic: string): Record<string, string> {
  const span = tracer.startSpan(`create ${envelope.type}`, {
    kind: SpanKind.PRODUCER,
    attributes: messagingAttributes(envelope, topic),
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  return carrier;
}

/**
 * Runs `fn` as the consumer side of the event's trace: the context from the message headers is
 * restored as parent and `fn` runs inside a CONSUMER span `process <type>`, so its SQL and logs
 * join the producer's trace.
 */
export function withConsumerSpan<T>(
  traceHeaders: Record<string, string>,
  envelope: EventEnvelope,
  topic: string,
  consumer: string,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), traceHeaders);
  return context.with(parent, () =>
    tracer.startActiveSpan(
      `process ${envelope.type}`,
      { kind: SpanKind.CONSUMER, attributes: { ...messagingAttributes(envelope, topic), 'messaging.consumer.group.name': consumer } },
      async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      },
    ),
  );
}

function messagingAttributes(envelope: EventEnvelope, topic: string) {
  return {
    'messaging.destination.name': topic,
    'messaging.message.id': envelope.id,
    'messaging.kafka.message.key': envelope.aggregateId,
    'cloudlab.event.type': envelope.type,
  };
}
