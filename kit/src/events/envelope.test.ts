import { describe, expect, it } from 'vitest';
import { createEnvelope, envelopeToMessage, messageToEnvelope, topicFor } from './envelope';

const placed = () => createEnvelope('orders', { type: 'OrderPlaced', aggregateId: 'o-1', data: { total: '12.50' } });

describe('event envelope', () => {
  it('fills in id, source, time and schema version 1', () => {
    const e = placed();
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e).toMatchObject({ type: 'OrderPlaced', source: 'orders', aggregateId: 'o-1', version: 1, data: { total: '12.50' } });
    expect(Date.parse(e.time)).not.toBeNaN();
    expect(createEnvelope('orders', { type: 'OrderPlaced', aggregateId: 'o-1', data: {}, version: 2 }).version).toBe(2);
  });

  it('refuses events that are not well formed, naming the problem', () => {
    expect(() => createEnvelope('orders', { type: 'order_placed', aggregateId: 'o-1', data: {} })).toThrow(/type: PascalCase/);
    expect(() => createEnvelope('Orders', { type: 'OrderPlaced', aggregateId: 'o-1', data: {} })).toThrow(/source/);
    expect(() => createEnvelope('orders', { type: 'OrderPlaced', aggregateId: '', data: {} })).toThrow(/aggregateId/);
    expect(() => createEnvelope('orders', { type: 'OrderPlaced', aggregateId: 'o-1', data: undefined })).toThrow(/data is required/);
  });

  it('names one topic per producing domain', () => {
    expect(topicFor('orders')).toBe('cloudlab.orders');
    expect(() => topicFor('../etc')).toThrow();
  });

  it('becomes a Kafka record keyed by aggregate with CloudEvents headers and the trace context', () => {
    const e = placed();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const m = envelopeToMessage(e, { traceparent, baggage: 'ignored' });
    expect(m.key).toBe('o-1');
    expect(JSON.parse(m.value)).toEqual(e);
    expect(m.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: e.id,
      ce_type: 'OrderPlaced',
      ce_source: 'orders',
      ce_time: e.time,
      traceparent,
    });
  });

  it('reads back what it wrote', () => {
    const e = placed();
    const decoded = messageToEnvelope(envelopeToMessage(e, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    expect(decoded).toEqual({ ok: true, event: e, traceHeaders: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  });

  it('reports a malformed message instead of throwing', () => {
    const good = envelopeToMessage(placed());
    expect(messageToEnvelope({ ...good, value: '{not json' })).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(messageToEnvelope({ ...good, value: '{"hello":"world"}' })).toMatchObject({ ok: false, reason: expect.stringMatching(/not an event envelope: id/) });
    expect(messageToEnvelope({ ...good, headers: { ...good.headers, ce_type: 'OrderCancelled' } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/ce_type=OrderCancelled disagrees/),
    });
    expect(messageToEnvelope({ ...good, key: 'o-2' })).toMatchObject({ ok: false, reason: expect.stringMatching(/key o-2 disagrees/) });
  });

  it('accepts a record without CloudEvents headers (the value is the source of truth)', () => {
    const e = placed();
    expect(messageToEnvelope({ key: '', value: JSON.stringify(e), headers: {} })).toMatchObject({ ok: true, event: e, traceHeaders: {} });
  });
});
