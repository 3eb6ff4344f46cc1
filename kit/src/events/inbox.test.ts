import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/pool';
import type { DeliveredMessage, EventBus } from './bus';
import { MalformedEventError } from './domain-events';
import { createEnvelope, envelopeToMessage, type EventEnvelope } from './envelope';
import { consumeEvents } from './inbox';
import type { BatchHandler } from './lanes';

/**
 * A consumer over a fake bus and database: the inbox already holds `processed`; `log` holds what
 * the hooks and the handler did in committed transactions (a failed one rolls its lines back).
 */
async function consumer(processed: Set<string>, handle: (e: EventEnvelope) => void = () => undefined) {
  const log: string[] = [];
  const transactions: number[] = [];
  let deliver: BatchHandler | undefined;
  const bus = { subscribe: async (o: { handleBatch: BatchHandler }) => ((deliver = o.handleBatch), { close: async () => {} }) } as unknown as EventBus;
  const db = {
    tx: async (fn: (q: Queryable) => Promise<unknown>) => {
      const claimed: string[] = [];
      const q = {
        query: async (sql: string, params: unknown[]) => {
          const ids = (Array.isArray(params[1]) ? params[1] : [params[1]]) as string[];
          const fresh = ids.filter((id) => !processed.has(id));
          claimed.push(...fresh);
          return { rows: fresh.map((event_id) => ({ event_id })), rowCount: fresh.length };
        },
      } as unknown as Queryable;
      transactions.push(1);
      const mark = log.length;
      try {
        const result = await fn(q);
        for (const id of claimed) processed.add(id); // commit
        return result;
      } catch (err) {
        log.length = mark; // rollback: its effects never happened
        throw err;
      }
    },
  } as unknown as Db;
  await consumeEvents({
    db,
    bus,
    consumer: 'test',
    topics: ['cloudlab.orders'],
    log: pino({ level: 'silent' }),
    prepare: async (events) => void log.push(`prepare ${events.map((e) => e.aggregateId).join(',')}`),
    handle: async (event) => {
      handle(event);
      log.push(`handle ${event.aggregateId}`);
    },
    finish: async () => void log.push('finish'),
  });
  const send = (events: EventEnvelope[]) =>
    deliver!(events.map((e, i) => ({ ...envelopeToMessage(e), topic: 'cloudlab.orders', partition: 0, offset: String(i) }) as DeliveredMessage));
  return { send, log, transactions };
}

const event = (aggregateId: string) => createEnvelope('orders', { type: 'OrderConfirmed', aggregateId, data: { orderId: randomUUID() } });

describe('a consumer batch', () => {
  it('is one transaction: prepare sees only the new events, each is handled once in order, finish runs last', async () => {
    const [a, b, c] = [event('a'), event('b'), event('c')];
    const { send, log, transactions } = await consumer(new Set([b.id]));
    await send([a, b, c, a]); // b was applied before; a comes twice (a relay that resent it)
    expect(transactions).toHaveLength(1);
    expect(log).toEqual(['prepare a,c', 'handle a', 'handle c', 'finish']);
  });

  it('applies nothing again when the whole batch is redelivered', async () => {
    const processed = new Set<string>();
    const batch = [event('a'), event('b')];
    const { send, log } = await consumer(processed);
    await send(batch);
    await send(batch);
    expect(log.filter((l) => l.startsWith('handle'))).toEqual(['handle a', 'handle b']);
  });

  it('falls back to one event at a time when a payload is malformed, so only that event is skipped', async () => {
    const [a, bad, c] = [event('a'), event('bad'), event('c')];
    const { send, log } = await consumer(new Set(), (e) => {
      if (e.aggregateId === 'bad') throw new MalformedEventError(e, 'orderId: Invalid uuid');
    });
    await send([a, bad, c]);
    expect(log.filter((l) => l.startsWith('handle'))).toEqual(['handle a', 'handle c']);
  });

  it('hands any other failure back to the bus, which retries the batch', async () => {
    const { send } = await consumer(new Set(), () => {
      throw new Error('deadlock detected');
    });
    await expect(send([event('a'), event('b')])).rejects.toThrow('deadlock detected');
  });
});
