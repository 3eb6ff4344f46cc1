import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Db, databaseUrl } from '@cloudlab/kit';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { cpuMs, gatewayClient, postgresPids, processTree } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench saga [--orders N] [--concurrency C | --rate R] [--quick]`: places N tok_visa orders
 * through the gateway on a fresh stack (Kafka when KAFKA_BROKERS is set, else the embedded log;
 * real Postgres when DATABASE_URL is set). Closed loop (default): C customers, each placing its
 * next order as soon as the last one was accepted. Open loop (`--rate R`): orders arrive at R per
 * second whatever the answers. An order refused with RATE_LIMITED (the saga's backlog bound) is
 * retried after its Retry-After and counted. Reports orders/s, placeOrder → CONFIRMED from the
 * orders' own history (no polling in the measurement), cancellations by reason, and the CPU time
 * per order of each process (from /proc; `postgres` is every PostgreSQL process on the machine).
 */
async function main() {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const quick = process.argv.includes('--quick');
  const total = arg('orders', quick ? 50 : 500);
  const rate = arg('rate', 0);
  const concurrency = arg('concurrency', 20);
  // The saga's own settings (step timeout, backlog bound) stay at their defaults: the bench
  // measures what a deployment gets.
  const stack = await benchStack({ env: {} });
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

    let refused = 0;
    const failures: Record<string, number> = {};
    const place = async (i: number) => {
      const input = { lines: [{ productId: products[i % products.length], quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
      for (let attempt = 1; ; attempt++) {
        try {
          return (await call({ query: commerce, operationName: 'PlaceOrder', variables: { input } }, customer)).placeOrder.id as string;
        } catch (err) {
          const message = String((err as Error).message);
          const limited = /"code":"RATE_LIMITED".*?"retryAfter":(\d+)/.exec(message);
          if (limited) refused++;
          else {
            // E.g. a gateway timeout on an overloaded machine: the idempotency key makes a retry safe.
            const code = /"code":"([A-Z_]+)"/.exec(message)?.[1] ?? message.slice(0, 60);
            failures[code] = (failures[code] ?? 0) + 1;
            if (attempt >= 5) throw err;
          }
          await new Promise((r) => setTimeout(r, (limited ? Number(limited[1]) : 1) * 1000));
        }
      }
    };

    const pids = () => ({
      ...Object.fromEntries([...stack.processes].map(([name, child]) => [name, child.pid ? processTree(child.pid) : []])),
      postgres: postgresPids(),
    });
    const cpuBefore = sampleCpu(pids());
    const started = performance.now();
    if (rate > 0) {
      await Promise.all(
        Array.from({ length: total }, async (_, i) => {
          await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / rate - performance.now())));
          await place(i);
        }),
      );
    } else {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) await place(next++);
        }),
      );
    }
    const placedIn = (performance.now() - started) / 1000;
    for (;;) {
      const { rows } = await orders.query(`SELECT count(*)::int AS open FROM orders WHERE status NOT IN ('CONFIRMED', 'CANCELLED')`);
      if (rows[0].open === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wall = (performance.now() - started) / 1000;
    const cpuAfter = sampleCpu(pids());
    const { rows } = await orders.query(
      `SELECT o.status, o.cancellation_reason AS reason, extract(epoch FROM (c.at - p.at)) * 1000 AS ms
       FROM orders o
       JOIN order_events p ON p.order_id = o.id AND p.type = 'OrderPlaced'
       LEFT JOIN order_events c ON c.order_id = o.id AND c.type = 'OrderConfirmed'`,
    );
    const confirmed = rows.filter((r) => r.status === 'CONFIRMED');
    const cancelledBy: Record<string, number> = {};
    for (const r of rows) if (r.status === 'CANCELLED') cancelledBy[r.reason ?? 'unknown'] = (cancelledBy[r.reason ?? 'unknown'] ?? 0) + 1;
    const p = percentiles(confirmed.map((r) => Number(r.ms)));
    const cpuPerOrder = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, Math.round(((cpuAfter[k]! - (cpuBefore[k] ?? 0)) / total) * 100) / 100]));
    const summary = {
      bench: 'saga',
      mode: rate > 0 ? 'open' : 'closed',
      bus: process.env.KAFKA_BROKERS ? 'kafka' : 'embedded',
      postgres: process.env.DATABASE_URL ? 'external' : 'embedded',
      orders: total,
      ...(rate > 0 ? { rate } : { concurrency }),
      confirmed: confirmed.length,
      cancelled: rows.length - confirmed.length,
      cancelled_by_reason: cancelledBy,
      refused_rate_limited: refused,
      // Other errors of placeOrder (retried with the same idempotency key), by code.
      place_errors: failures,
      placed_per_s: Number((total / placedIn).toFixed(1)),
      confirmed_per_s: Number((confirmed.length / wall).toFixed(1)),
      place_to_confirmed_ms: p,
      cpu_ms_per_order: cpuPerOrder,
      cores: cpus().length,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    };
    console.log(`${total} tok_visa orders, ${rate > 0 ? `${rate}/s open loop` : `${concurrency} at a time`}, bus: ${summary.bus}, postgres: ${summary.postgres}`);
    console.log(`  confirmed ${summary.confirmed}, cancelled ${summary.cancelled} ${JSON.stringify(cancelledBy)}, refused (RATE_LIMITED) ${refused}, other errors ${JSON.stringify(failures)}; ${summary.confirmed_per_s} orders/s end to end`);
    console.log(`  placeOrder → CONFIRMED ms: p50 ${p.p50}  p95 ${p.p95}  p99 ${p.p99}`);
    console.log(`  CPU ms per order: ${Object.entries(cpuPerOrder).map(([k, v]) => `${k} ${v}`).join(', ')}; load average ${summary.loadavg.join(' ')} on ${summary.cores} cores`);
    console.log(JSON.stringify(summary));
  } finally {
    await orders.close();
    await stack.stop();
  }
}

function sampleCpu(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuMs(pid), 0)]));
}

void main();
