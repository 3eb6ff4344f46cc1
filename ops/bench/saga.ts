import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Db, databaseUrl } from '@cloudlab/kit';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { gatewayClient } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench saga [--orders N] [--concurrency C] [--quick]`: places N tok_visa orders through the
 * gateway, C at a time, on a fresh stack (Kafka when KAFKA_BROKERS is set, else the embedded
 * log; real Postgres when DATABASE_URL is set), and reports orders/s and the time from
 * placeOrder to CONFIRMED, taken from the orders' own history (no polling in the measurement).
 */
async function main() {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const quick = process.argv.includes('--quick');
  const total = arg('orders', quick ? 50 : 500);
  const concurrency = arg('concurrency', 20);
  const stack = await benchStack({ env: { SAGA_STEP_TIMEOUT_MS: '30000' } });
  const orders = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}orders`), 2);
  try {
    const commerce = readFileSync(path.join(ROOT, 'clients', 'operations', 'commerce.graphql'), 'utf8');
    const { call, login } = gatewayClient(stack.gatewayUrl);
    const admin = await login('admin@cloudlab.dev');
    const customer = await login('customer@cloudlab.dev');
    // Enough stock that no order fails for lack of it: 20 products, restocked by an admin.
    const warehouse = (await call({ query: '{ warehouses { id } }' })).warehouses[0].id;
    const products: string[] = (await call({ query: '{ products(first: 20) { edges { node { id } } } }' })).products.edges.map((e: any) => e.node.id);
    for (const productId of products) {
      await call({ query: commerce, operationName: 'Restock', variables: { productId, warehouseId: warehouse, quantity: total } }, admin);
    }

    const started = performance.now();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const input = { lines: [{ productId: products[i % products.length], quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
          ids.push((await call({ query: commerce, operationName: 'PlaceOrder', variables: { input } }, customer)).placeOrder.id);
        }
      }),
    );
    const placedIn = (performance.now() - started) / 1000;
    for (;;) {
      const { rows } = await orders.query(`SELECT count(*)::int AS open FROM orders WHERE status NOT IN ('CONFIRMED', 'CANCELLED')`);
      if (rows[0].open === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows } = await orders.query(
      `SELECT o.status, extract(epoch FROM (c.at - p.at)) * 1000 AS ms
       FROM orders o
       JOIN order_events p ON p.order_id = o.id AND p.type = 'OrderPlaced'
       LEFT JOIN order_events c ON c.order_id = o.id AND c.type = 'OrderConfirmed'`,
    );
    const confirmed = rows.filter((r) => r.status === 'CONFIRMED');
    const wall = (performance.now() - started) / 1000;
    const p = percentiles(confirmed.map((r) => Number(r.ms)));
    const summary = {
      bench: 'saga',
      bus: process.env.KAFKA_BROKERS ? 'kafka' : 'embedded',
      postgres: process.env.DATABASE_URL ? 'external' : 'embedded',
      orders: total,
      concurrency,
      confirmed: confirmed.length,
      cancelled: rows.length - confirmed.length,
      placed_per_s: Number((total / placedIn).toFixed(1)),
      confirmed_per_s: Number((confirmed.length / wall).toFixed(1)),
      place_to_confirmed_ms: p,
    };
    console.log(`${total} tok_visa orders, ${concurrency} at a time, bus: ${summary.bus}, postgres: ${summary.postgres}`);
    console.log(`  confirmed ${summary.confirmed}, cancelled ${summary.cancelled}; ${summary.confirmed_per_s} orders/s end to end`);
    console.log(`  placeOrder → CONFIRMED ms: p50 ${p.p50}  p95 ${p.p95}  p99 ${p.p99}`);
    console.log(JSON.stringify(summary));
  } finally {
    await orders.close();
    await stack.stop();
  }
}

void main();
