import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';

const kafka = (command: 'start' | 'stop') =>
  execFileSync('bash', [path.join(__dirname, '..', 'ops', 'kafka', 'kafka.sh'), command], { stdio: 'pipe', timeout: 120_000 });

// Only on a real broker: the embedded log lives in PostgreSQL, which is never "stopped" here.
describe.skipIf(!process.env.KAFKA_BROKERS)('orders while the Kafka broker is down', () => {
  afterAll(async () => {
    kafka('start'); // leave the broker running whatever happened
    await closeDbs();
  });

  it('accepts orders, and completes them all once the broker is back, with no event lost', async () => {
    const customer = await login('customer@cloudlab.dev');
    const products = (await gql('{ products(first: 100) { edges { node { id stock { available } } } } }')).body.data.products.edges
      .map((e: any) => e.node)
      .filter((p: any) => p.stock.available >= 10)
      .slice(-5);

    kafka('stop');
    const ids: string[] = [];
    for (const p of products) {
      const res = await gql(contract('commerce'), {
        operationName: 'PlaceOrder',
        token: customer,
        variables: { input: { lines: [{ productId: p.id, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.placeOrder.status).toBe('PENDING');
      ids.push(res.body.data.placeOrder.id);
    }
    const orders = subgraphDb('orders');
    const waiting = await orders.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND aggregate_id = ANY($1)', [ids]);
    expect(waiting.rows[0].n).toBe(ids.length); // held in the outbox, not lost, while the broker is away

    kafka('start');
    const statuses = async () =>
      (await orders.query(`SELECT status, cancellation_reason FROM orders WHERE id = ANY($1) ORDER BY id`, [ids])).rows.map(
        (r: any) => r.status + (r.cancellation_reason ? ` (${r.cancellation_reason})` : ''),
      );
    await expect.poll(statuses, { timeout: 60_000, interval: 250 }).toEqual(ids.map(() => 'CONFIRMED'));

    // Every event the orders recorded was published and consumed: count outbox vs inboxes.
    // CONFIRMED commits together with its OrderConfirmed outbox row; the relay publishes it just after.
    await expect
      .poll(async () => (await orders.query('SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = ANY($1) AND published_at IS NULL', [ids])).rows[0].n, { timeout: 30_000 })
      .toBe(0);
    const { rows: events } = await orders.query('SELECT id, type, published_at FROM outbox WHERE aggregate_id = ANY($1)', [ids]);
    expect(events.map((e: any) => e.type).sort()).toEqual(
      [...Array(ids.length).fill('OrderConfirmed'), ...Array(ids.length).fill('OrderPlaced'), ...Array(ids.length).fill('PaymentRequested')].sort(),
    );
    const eventIds = events.map((e: any) => e.id);
    for (const consumer of ['inventory', 'payments']) {
      const consumed = async () =>
        (await subgraphDb(consumer).query('SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])', [eventIds])).rows[0].n;
      await expect.poll(consumed, { timeout: 30_000, message: `${consumer} consumed every orders event` }).toBe(eventIds.length);
    }
  }, 180_000);
});
