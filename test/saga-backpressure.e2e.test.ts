import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { contract, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';
import { freePort } from './support/ports';

const ROOT = path.join(__dirname, '..');
const PLACE = contract('commerce');
const CANCEL = 'mutation Cancel($id: ID!) { cancelOrder(id: $id) { id status } }';
const STATUS = 'query Status($id: ID!) { order(id: $id) { status } }';
const BOUND = 3;

let orders: ChildProcess;
let gateway: GatewayProcess;
let customer: string;
let productId: string;

/**
 * A second orders instance with a tiny backlog bound (SAGA_MAX_PENDING_ORDERS), and a gateway in
 * front of it: the way a shop would run with its own bound, without changing the shared stack.
 */
async function startOrders(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  orders = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs', 'orders', 'src', 'server.ts')], {
    cwd: path.join(ROOT, 'subgraphs', 'orders'),
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      PORT: String(port),
      METRICS_PORT: '0',
      INTERNAL_SECRET: inject('internalSecret'),
      DATABASE_URL: inject('databaseUrl'),
      DB_PREFIX: inject('dbPrefix'),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? inject('dbPrefix') : '',
      SAGA_STEP_TIMEOUT_MS: '12000',
      ...env,
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 600; i++) {
    if (orders.exitCode !== null) throw new Error(`orders exited with ${orders.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return `http://127.0.0.1:${port}/graphql`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('orders did not start');
}

const auth = () => ({ authorization: `Bearer ${customer}` });
async function place(paymentToken: string, idempotencyKey: string) {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify({ query: PLACE, operationName: 'PlaceOrder', variables: { input: { lines: [{ productId, quantity: 1 }], paymentToken, idempotencyKey } } }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

beforeAll(async () => {
  const url = await startOrders({ SAGA_MAX_PENDING_ORDERS: String(BOUND), SAGA_RETRY_AFTER_SECONDS: '1' });
  gateway = await startGatewayProcess({ SUBGRAPH_ORDERS_URL: url });
  customer = await login('customer@cloudlab.dev');
  const res = await post(gateway.url, '{ products(first: 100) { edges { node { id stock { available } } } } }');
  productId = res.body.data.products.edges.map((e: any) => e.node).find((p: any) => p.stock.available >= 20).id;
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  if (orders && orders.exitCode === null) {
    const exited = new Promise((r) => orders.once('exit', r));
    orders.kill('SIGTERM');
    await exited;
  }
  await closeDbs();
});

describe('an order pipeline that is full', () => {
  it('refuses new orders at once with RATE_LIMITED and Retry-After, creates none, and takes the retry once there is room', async () => {
    // Slow payments keep orders open: the pipeline fills up to its bound.
    const open: string[] = [];
    for (let i = 0; i < BOUND; i++) {
      const res = await place('tok_slow', randomUUID());
      if (res.body.errors) break; // full already (other open orders count too)
      open.push(res.body.data.placeOrder.id);
    }
    // The customer's order now finds the pipeline full.
    const refusedKey = randomUUID();
    const refused = await place('tok_visa', refusedKey);
    const error = refused.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');

    // Refused, not accepted and cancelled later: no order exists for that request.
    const made = await subgraphDb('orders').query('SELECT 1 FROM orders WHERE idempotency_key = $1', [refusedKey]);
    expect(made.rowCount).toBe(0);

    // Room again (the customer gives up the slow ones); the same request, sent again after
    // Retry-After, goes through.
    for (const id of open) await post(gateway.url, CANCEL, { variables: { id }, headers: auth() });
    let retried: Awaited<ReturnType<typeof place>> | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise((r) => setTimeout(r, 1000 * Number(error!.extensions!.retryAfter)));
      retried = await place('tok_visa', refusedKey);
      if (!retried.body.errors) break;
    }
    expect(retried!.body.errors).toBeUndefined();
    const id = retried!.body.data.placeOrder.id;
    for (let i = 0; i < 200; i++) {
      const status = (await post(gateway.url, STATUS, { variables: { id }, headers: auth() })).body.data?.order?.status;
      if (status === 'CONFIRMED' || status === 'CANCELLED') return expect(status).toBe('CONFIRMED');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the retried order did not settle');
  }, 90_000);
});
