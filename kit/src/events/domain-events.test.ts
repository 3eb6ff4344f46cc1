import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Db, Queryable } from '../db/pool';
import type { DeliveredMessage, EventBus } from './bus';
import type { BatchHandler } from './lanes';
import { MalformedEventError, handleEvents, readEvent, recordDomainEvent } from './domain-events';
import { createEnvelope, envelopeToMessage, messageToEnvelope, topicFor, type EventEnvelope } from './envelope';
import { consumeEvents } from './inbox';
import { EventPayloads, Topics, type Domain } from './payloads';

/** A transaction that keeps what recordEvent writes to the outbox. */
function outbox() {
  const written: { topic: string; envelope: string }[] = [];
  const q = {
    query: async (sql: string, params: unknown[] = []) => {
      if (sql.includes('INSERT INTO outbox')) written.push({ topic: params[1] as string, envelope: params[4] as string });
      return { rows: [], rowCount: 1 };
    },
  } as unknown as Queryable;
  return { q, written };
}

const orderId = randomUUID();
const placed = {
  orderId,
  customerId: randomUUID(),
  total: '25.00',
  currency: 'EUR',
  lines: [{ productId: randomUUID(), vendorId: randomUUID(), quantity: 2, unitPrice: '12.50' }],
};

describe('typed domain events', () => {
  it("round-trips a producer's payload to its consumer unchanged, on the producer's topic", async () => {
    const { q, written } = outbox();
    await recordDomainEvent(q, 'orders', { type: 'OrderPlaced', aggregateId: orderId, data: placed });
    expect(written.map((w) => w.topic)).toEqual([Topics.orders]);
    const decoded = messageToEnvelope({ key: orderId, value: written[0]!.envelope, headers: {} });
    if (!decoded.ok) throw new Error(decoded.reason);

    const seen = vi.fn(async () => {});
    const consumer = handleEvents({ OrderPlaced: seen });
    expect(consumer.topics).toEqual([Topics.orders]);
    await consumer.handle(decoded.event, q);
    expect(seen).toHaveBeenCalledWith(placed, q, decoded.event);
  });

  it('refuses to record a payload that does not match its schema, naming the field', async () => {
    const { q, written } = outbox();
    const broken = { ...placed, lines: [], total: 'free' };
    await expect(recordDomainEvent(q, 'orders', { type: 'OrderPlaced', aggregateId: orderId, data: broken })).rejects.toThrow(
      /orders cannot record malformed OrderPlaced payload: total: a decimal string.*; lines: Array must contain at least 1/,
    );
    // @ts-expect-error -- StockReserved is inventory's event: the compiler refuses it too
    await expect(recordDomainEvent(q, 'orders', { type: 'StockReserved', aggregateId: orderId, data: { orderId } })).rejects.toThrow(/not an event of orders/);
    expect(written).toEqual([]);
  });

  it('refuses a malformed payload at the consumer with MalformedEventError, and ignores events it has no handler for', async () => {
    const handler = vi.fn(async () => {});
    const consumer = handleEvents({ PaymentRequested: handler });
    const bad = createEnvelope('orders', { type: 'PaymentRequested', aggregateId: orderId, data: { orderId, amount: 12 } });
    const error = await consumer.handle(bad, outbox().q).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as MalformedEventError).reason).toMatch(/customerId: Required.*amount: Expected string, received number/);
    await consumer.handle(createEnvelope('orders', { type: 'OrderConfirmed', aggregateId: orderId, data: {} }), outbox().q);
    // Only the catalog's producer is trusted for a type, whatever topic it came on.
    await consumer.handle(createEnvelope('payments', { type: 'PaymentRequested', aggregateId: orderId, data: {} }), outbox().q);
    expect(handler).not.toHaveBeenCalled();
  });

  it("names each domain's topic as the outbox relay publishes it, and every producing domain has one", () => {
    for (const [domain, topic] of Object.entries(Topics)) expect(topic).toBe(topicFor(domain));
    for (const domain of Object.keys(EventPayloads)) expect(Topics[domain as Domain]).toBeDefined();
  });

  it('gives live readers numbers for stock totals the database summed as strings', () => {
    const productId = randomUUID();
    const event = createEnvelope('inventory', { type: 'StockChanged', aggregateId: productId, data: { productId, available: '7', reserved: 2 } });
    expect(readEvent('StockChanged', event)).toEqual({ ok: true, data: { productId, available: 7, reserved: 2 } });
    expect(readEvent('StockChanged', { ...event, data: { productId } })).toMatchObject({ ok: false, reason: /available: Required/ });
  });
});

describe('the inbox with typed handlers', () => {
  const start = async (fail: Error | undefined) => {
    let deliver: BatchHandler | undefined;
    const bus = { subscribe: async (o: { handleBatch: BatchHandler }) => ((deliver = o.handleBatch), { close: async () => {} }) } as unknown as EventBus;
    const db = { tx: (fn: (q: Queryable) => Promise<unknown>) => fn(outbox().q) } as unknown as Db;
    const log = pino({ level: 'silent' });
    const error = vi.spyOn(log, 'error');
    const consumer = handleEvents({ OrderConfirmed: async () => { if (fail) throw fail; } });
    await consumeEvents({ db, bus, consumer: 'test', topics: consumer.topics, handle: consumer.handle, log });
    const send = (event: EventEnvelope) => deliver!([{ ...envelopeToMessage(event), topic: Topics.orders, partition: 0, offset: '1' } as DeliveredMessage]);
    return { send, error };
  };

  it('logs and skips a malformed payload instead of retrying it forever', async () => {
    const { send, error } = await start(undefined);
    await expect(send(createEnvelope('orders', { type: 'OrderConfirmed', aggregateId: orderId, data: { orderId: 'not-a-uuid' } }))).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ type: 'OrderConfirmed', reason: expect.stringMatching(/orderId: Invalid uuid/) }), 'malformed event payload skipped');
  });

  it('still hands other handler failures back to the bus to retry', async () => {
    const { send } = await start(new Error('database away'));
    await expect(send(createEnvelope('orders', { type: 'OrderConfirmed', aggregateId: orderId, data: { orderId } }))).rejects.toThrow('database away');
  });
});
