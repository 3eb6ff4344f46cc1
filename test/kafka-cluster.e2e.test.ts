import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { gatewayAuthHeaders } from '@cloudlab/kit/gateway-auth';
import { IDENTITY_HEADER, signIdentity, type Viewer } from '@cloudlab/kit/identity';
import { freePort } from './support/ports';
import { startSubgraphProcess, type SubgraphProcess } from './support/subgraph-process';

/**
 * The order saga on a three-broker Kafka cluster (`bash ops/services/kafka-cluster.sh start`; its
 * `env` line sets KAFKA_CLUSTER_BROKERS, as CI's real-services leg does): orders are placed without
 * pause while one broker is killed with SIGKILL; every order placed is accepted and confirms (none
 * lost, none cancelled), and every event of theirs is consumed exactly once. Three subgraph
 * processes take part (orders, inventory, payments: the saga), on databases of their own.
 */
const CLUSTER = process.env.KAFKA_CLUSTER_BROKERS;
const ROOT = path.join(__dirname, '..');
const run = promisify(execFile);
const kafka = (...args: string[]) => run('bash', [path.join(ROOT, 'ops/kafka/kafka.sh'), ...args, '--brokers', '3'], { cwd: ROOT, timeout: 240_000 });
const SAGA = ['orders', 'inventory', 'payments'] as const;
const PLACE = `mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
/** Orders in flight at once, and the pause each takes between two orders. */
const WORKERS = 4;
const PAUSE_MS = 50;
/** Ordering before the kill, and after it (the broker stays down until the end). */
const BEFORE_MS = 4_000;
const AFTER_MS = 10_000;

describe.skipIf(!CLUSTER)('orders on a three-broker Kafka cluster that loses a broker', () => {
  const prefix = `e2e_kc_${Date.now().toString(36)}_`;
  const secret = randomBytes(32).toString('hex');
  const databaseUrl = inject('databaseUrl');
  const processes = new Map<string, SubgraphProcess>();
  const output = () => [...processes.values()].flatMap((p) => p.output.slice(-15));
  const dbs = new Map<string, pg.Pool>();
  const db = (name: string) => dbs.get(name) ?? dbs.set(name, new pg.Pool({ connectionString: new URL(`/${prefix}${name}`, databaseUrl).toString(), max: 2 })).get(name)!;
  let ordersUrl: string;
  let killed = 0;
  const started = Date.now();
  const mark = (what: string) => console.log(`kafka-cluster story: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);

  beforeAll(async () => {
    await kafka('start'); // idempotent: all three brokers up (a killed one from an earlier run restarted)
    mark('cluster up');
    const common = {
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DB_PREFIX: prefix,
      INTERNAL_SECRET: secret,
      KAFKA_BROKERS: CLUSTER,
      KAFKA_NAMESPACE: prefix,
      // The shared e2e stack's saga clock: a broker lost must not hold an order step this long.
      SAGA_STEP_TIMEOUT_MS: '12000',
      SEED_VENDORS: '3',
      SEED_PRODUCTS: '200',
      SEED_CUSTOMERS: '10',
      SEED_REVIEWS: '0',
    };
    // Side by side: each migrates and seeds its own database, then joins its consumer group.
    const launched = await Promise.allSettled(SAGA.map(async (name) => processes.set(name, await startSubgraphProcess(name, await freePort(), common))));
    const failed = launched.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason; // afterAll stops the ones that did start
    ordersUrl = processes.get('orders')!.url;
    mark('saga subgraphs ready');
  }, 420_000);

  afterAll(async () => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await Promise.all([...dbs.values()].map((p) => p.end()));
    await dropDatabases(databaseUrl, prefix);
    if (killed) await kafka('start'); // the cluster whole again for whoever comes next
    mark('cleaned up');
  }, 300_000);

  it('confirms every order placed while a broker is killed, and consumes each of their events once', async () => {
    onTestFailed(() => console.log(`the saga subgraphs' last warnings:\n${output().join('\n')}`));
    const stocked = (
      await db('inventory').query<{ product_id: string }>('SELECT product_id FROM stock GROUP BY product_id HAVING sum(available) >= 50')
    ).rows.map((r) => r.product_id);
    const priced = new Set((await db('orders').query<{ product_id: string }>('SELECT product_id FROM product_prices')).rows.map((r) => r.product_id));
    const products = stocked.filter((id) => priced.has(id));
    expect(products.length).toBeGreaterThan(10);
    const soldBefore = (await db('inventory').query('SELECT coalesce(sum(sold), 0)::int AS n FROM stock')).rows[0].n as number;

    const customer: Viewer = { userId: randomUUID(), role: 'CUSTOMER', vendorId: null };
    const placed: string[] = [];
    const refused: string[] = [];
    let ordering = true;
    const place = async (productId: string) => {
      const res = await fetch(ordersUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(secret), [IDENTITY_HEADER]: await signIdentity(customer, secret) },
        body: JSON.stringify({ query: PLACE, variables: { input: { lines: [{ productId, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } } }),
      });
      const body = (await res.json()) as { data?: { placeOrder: { id: string; status: string } }; errors?: { extensions?: { code?: string; retryAfter?: number } }[] };
      const backlog = body.errors?.[0]?.extensions;
      // The saga's backlog bound (SAGA_MAX_PENDING_ORDERS) refuses new orders while it is full: a
      // client waits Retry-After and places the order again. Nothing was placed: not a lost order.
      if (backlog?.code === 'RATE_LIMITED') return (deferred++, (backlog.retryAfter ?? 1) * 1000);
      if (res.status !== 200 || body.errors || !body.data) refused.push(`${res.status} ${JSON.stringify(body.errors)}`);
      else placed.push(body.data.placeOrder.id);
      return PAUSE_MS;
    };
    let deferred = 0;
    const worker = async (w: number) => {
      for (let i = w; ordering; i += WORKERS) {
        const pause = await place(products[i % products.length]!);
        await new Promise((r) => setTimeout(r, pause));
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    await new Promise((r) => setTimeout(r, BEFORE_MS));
    const victim = 2;
    killed = Number((await kafka('pid', String(victim))).stdout.trim());
    expect(killed).toBeGreaterThan(0);
    process.kill(killed, 'SIGKILL');
    const placedAtKill = placed.length;
    mark(`broker ${victim} (pid ${killed}) killed after ${placedAtKill} orders`);
    await new Promise((r) => setTimeout(r, AFTER_MS));
    ordering = false;
    await load;
    mark(`load stopped: ${placed.length} orders placed, ${placed.length - placedAtKill} of them with the broker down; ${deferred} refused while the backlog was full`);

    expect(refused).toEqual([]);
    expect(placed.length - placedAtKill).toBeGreaterThan(10);
    const statuses = async () =>
      (
        await db('orders').query<{ status: string; reason: string | null; n: number }>(
          'SELECT status, cancellation_reason AS reason, count(*)::int AS n FROM orders WHERE id = ANY($1) GROUP BY 1, 2',
          [placed],
        )
      ).rows
        .map((r) => `${r.status}${r.reason ? ` (${r.reason})` : ''}: ${r.n}`)
        .sort();
    await expect.poll(statuses, { timeout: 60_000, interval: 250 }).toEqual([`CONFIRMED: ${placed.length}`]);
    mark('every order confirmed');

    // Each order's events, published from the outbox and consumed exactly once by each consumer.
    await expect
      .poll(async () => (await db('orders').query('SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = ANY($1) AND published_at IS NULL', [placed])).rows[0].n, { timeout: 30_000 })
      .toBe(0);
    const { rows: orderEvents } = await db('orders').query<{ id: string; type: string }>('SELECT id, type FROM outbox WHERE aggregate_id = ANY($1)', [placed]);
    const types = (type: string) => orderEvents.filter((e) => e.type === type).map((e) => e.id);
    expect(types('OrderPlaced')).toHaveLength(placed.length);
    expect(types('OrderConfirmed')).toHaveLength(placed.length);
    const consumed = async (consumer: string, ids: string[]) =>
      (await db(consumer).query('SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])', [ids])).rows[0].n;
    const inventoryWants = [...types('OrderPlaced'), ...types('OrderConfirmed')];
    await expect.poll(() => consumed('inventory', inventoryWants), { timeout: 30_000, message: 'inventory consumed each order event' }).toBe(inventoryWants.length);
    await expect.poll(() => consumed('payments', types('PaymentRequested')), { timeout: 30_000 }).toBe(placed.length);
    // Once means once in effect too: one payment per order, one committed unit per order.
    const payments = await db('payments').query("SELECT count(*)::int AS n FROM payments WHERE order_id = ANY($1) AND status = 'AUTHORIZED'", [placed]);
    expect(payments.rows[0].n).toBe(placed.length);
    const committed = await db('inventory').query("SELECT coalesce(sum(quantity), 0)::int AS n FROM reservations WHERE order_id = ANY($1) AND state = 'COMMITTED'", [placed]);
    expect(committed.rows[0].n).toBe(placed.length);
    await expect
      .poll(async () => (await db('inventory').query('SELECT coalesce(sum(sold), 0)::int AS n FROM stock')).rows[0].n - soldBefore, { timeout: 10_000 })
      .toBe(placed.length);
    mark('every event consumed once');
  }, 180_000);
});
