import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, databaseUrl, dropDatabases, ensureDatabase } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { answerTo, authorize, callProvider, sameRequest } from './provider';

describe('the simulated provider', () => {
  it('authorizes tok_visa, declines tok_declined and unknown tokens, and answers tok_slow later', () => {
    expect(authorize('tok_visa', 100)).toEqual({ outcome: 'AUTHORIZED' });
    expect(authorize('tok_declined', 100)).toEqual({ outcome: 'DECLINED', reason: 'card declined' });
    expect(authorize('tok_amex', 100)).toEqual({ outcome: 'DECLINED', reason: 'unknown payment token' });
    expect(authorize('tok_slow', 1500)).toEqual({ outcome: 'LATER', delayMs: 1500 });
  });

  it('captures, voids and refunds the amount asked for', () => {
    const base = { paymentId: 'p1', amount: '12.50', currency: 'EUR' };
    expect(answerTo({ operation: 'capture', ...base }, 0)).toEqual({ outcome: 'CAPTURED', amount: '12.50' });
    expect(answerTo({ operation: 'void', ...base }, 0)).toEqual({ outcome: 'VOIDED', amount: '12.50' });
    expect(answerTo({ operation: 'refund', ...base }, 0)).toEqual({ outcome: 'REFUNDED', amount: '12.50' });
  });

  it('knows a repeated request whatever the order of its fields, and a different one under the same key', () => {
    const a = { operation: 'capture', paymentId: 'p1', amount: '12.50', currency: 'EUR' } as const;
    expect(sameRequest(a, { currency: 'EUR', amount: '12.50', paymentId: 'p1', operation: 'capture' })).toBe(true);
    expect(sameRequest(a, { ...a, amount: '13.00' })).toBe(false);
  });
});

// Needs a PostgreSQL server: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
describe.skipIf(!process.env.DATABASE_URL)("the provider's idempotency keys", () => {
  const serverUrl = process.env.DATABASE_URL!;
  const prefix = `provider_test_${process.pid}_`;
  let db: Db;
  const capture = { operation: 'capture', paymentId: '33333333-3333-4333-8333-333333333333', amount: '40.00', currency: 'EUR' } as const;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, `${prefix}payments`);
    db = new Db(databaseUrl(serverUrl, `${prefix}payments`), 2);
    await migrate(db, path.join(__dirname, '..', 'migrations'));
  });
  afterAll(async () => {
    await db?.close();
    await dropDatabases(serverUrl, prefix);
  });

  it('answer a repeated call with the first answer and record it once', async () => {
    const first = await callProvider(db, 'capture:p1', capture);
    expect(first).toEqual({ outcome: 'CAPTURED', amount: '40.00' });
    expect(await callProvider(db, 'capture:p1', { ...capture })).toEqual(first);
    expect((await db.query("SELECT count(*)::int AS n FROM provider_calls WHERE idempotency_key = 'capture:p1'")).rows[0].n).toBe(1);
  });

  it('keep a slow authorization slow on a retry, however the delay is configured then', async () => {
    const authorize = { operation: 'authorize', token: 'tok_slow', amount: '5.00', currency: 'EUR' } as const;
    expect(await callProvider(db, 'authorize:o1', authorize, 1000)).toEqual({ outcome: 'LATER', delayMs: 1000 });
    expect(await callProvider(db, 'authorize:o1', authorize, 5)).toEqual({ outcome: 'LATER', delayMs: 1000 });
  });

  it('refuse a key reused for a different request', async () => {
    await expect(callProvider(db, 'capture:p1', { ...capture, amount: '41.00' })).rejects.toThrow(/different request/);
  });
});
