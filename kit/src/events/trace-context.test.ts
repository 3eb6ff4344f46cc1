import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createEnvelope, envelopeToMessage, messageToEnvelope } from './envelope';
import { traceHeadersForNewEvent, withConsumerSpan } from './trace-context';

const exporter = new InMemorySpanExporter();
let provider: InstanceType<typeof node.NodeTracerProvider>;

beforeAll(() => {
  // Registers the W3C propagator and an AsyncLocalStorage context manager, as the NodeSDK does.
  provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('trace context across the bus', () => {
  it('carries one trace from the request that recorded an event to the handler that consumes it', async () => {
    const envelope = createEnvelope('orders', { type: 'OrderPlaced', aggregateId: 'o-1', data: {} });
    const request = trace.getTracer('test').startSpan('POST /graphql');
    const headers = context.with(trace.setSpan(context.active(), request), () => traceHeadersForNewEvent(envelope, 'cloudlab.orders'));
    request.end();
    const traceId = request.spanContext().traceId;
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    // The relay publishes later, outside the request: only the headers carry the context.
    const decoded = messageToEnvelope(envelopeToMessage(envelope, headers));
    if (!decoded.ok) throw new Error(decoded.reason);
    let seenInHandler: string | undefined;
    await context.with(ROOT_CONTEXT, () =>
      withConsumerSpan(decoded.traceHeaders, decoded.event, 'cloudlab.orders', 'inventory', async () => {
        seenInHandler = trace.getActiveSpan()?.spanContext().traceId;
      }),
    );
    expect(seenInHandler).toBe(traceId);

    const spans = exporter.getFinishedSpans();
    const create = spans.find((s) => s.name === 'create OrderPlaced')!;
    const process = spans.find((s) => s.name === 'process OrderPlaced')!;
    expect(create.kind).toBe(SpanKind.PRODUCER);
    expect(create.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(traceId);
    expect(process.parentSpanContext?.spanId).toBe(create.spanContext().spanId);
    expect(process.attributes['messaging.consumer.group.name']).toBe('inventory');
  });

  it('marks the consumer span failed when the handler throws, and rethrows', async () => {
    const envelope = createEnvelope('orders', { type: 'OrderCancelled', aggregateId: 'o-2', data: {} });
    await expect(withConsumerSpan({}, envelope, 'cloudlab.orders', 'inventory', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const span = exporter.getFinishedSpans().find((s) => s.name === 'process OrderCancelled')!;
    expect(span.status).toMatchObject({ code: 2, message: 'boom' });
    expect(span.parentSpanContext).toBeUndefined(); // no headers: a new trace starts here
  });
});
