import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { contract } from './support/client';
import { graphqlOk, runLoad } from './support/load';
import { freePort } from './support/ports';

/**
 * `pnpm start --replicas 2` (every service twice behind HAProxy, ops/scale/) and `pnpm rollout`
 * against it while customers browse and order: no request fails, every order placed during the
 * rollout confirms, and every instance is a new process afterwards. Then one gateway instance is
 * killed with SIGKILL: at most the requests it held fail.
 */
const ROOT = path.join(__dirname, '..');
// Heavy (23 processes plus HAProxy and an embedded PostgreSQL: 20 instances need more connections
// than a shared server may allow): runs with E2E_REPLICAS=1 where HAProxy is installed.
const haproxy = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();
const storefront = contract('storefront');
const commerce = contract('commerce');
// Always the embedded server (max_connections 300): 20 subgraph instances hold more connections than a shared server allows.
const serverUrl: string | undefined = undefined;
const dbPrefix = `roll_${Date.now().toString(36)}_${process.pid}_`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-rollout-'));
chmodSync(dataDir, 0o755); // as root, embedded PostgreSQL runs as `postgres`, which must reach it

let start: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (start && start.exitCode === null && start.signalCode === null) {
    const exited = new Promise((r) => start!.once('exit', r));
    start.kill('SIGTERM');
    const timer = setTimeout(() => start!.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  if (serverUrl) await dropDatabases(serverUrl, dbPrefix);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATA_DIR: dataDir, DATABASE_URL: serverUrl ?? '', ...extra };
}

async function post(url: string, query: string, variables: Record<string, unknown>, token?: string, operationName?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, operationName }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string }[] } };
}

describe.skipIf(!haproxy || !process.env.E2E_REPLICAS)('pnpm start --replicas 2 and pnpm rollout', () => {
  it('restarts every instance under browsing and ordering with zero failed requests; SIGKILL of a gateway costs at most what it held', async () => {
    const gatewayPort = await freePort();
    // Consecutive ports below Linux's ephemeral range (subgraph fronts, then the instances).
    const base = 20_000 + Math.floor(Math.random() * 400) * 24;
    start = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ops', 'start.ts'), '--replicas', '2'], {
      cwd: ROOT,
      env: env({
        EMBEDDED_PG_PORT: String(await freePort()),
        DB_PREFIX: dbPrefix,
        PORT: String(gatewayPort),
        SUBGRAPH_PORT_BASE: String(base),
        INSTANCE_PORT_BASE: String(base + 11),
        SEED_PRODUCTS: '200',
        SEED_CUSTOMERS: '50',
        SEED_REVIEWS: '200',
        LOG_LEVEL: 'warn',
        DB_POOL_MAX: '2',
        // Kafka when the suite has it (topics of this run's own), else the embedded log.
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? dbPrefix : '',
        RATE_LIMIT_ANON_PER_MIN: '1000000',
        RATE_LIMIT_USER_PER_MIN: '1000000',
        RESPONSE_CACHE_ENABLED: 'false',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [start.stdout!, start.stderr!]) s.setEncoding('utf8').on('data', (c: string) => (output += c));
    const deadline = Date.now() + 240_000;
    while (!output.includes('Cloud Lab is up')) {
      if (start.exitCode !== null) throw new Error(`pnpm start exited (${start.exitCode}):\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`pnpm start --replicas 2 not up within 240 s:\n${output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = `http://127.0.0.1:${gatewayPort}/graphql`;

    const login = await post(url, contract('accounts'), { email: 'customer@cloudlab.dev', password: 'cloudlab-demo' }, undefined, 'Login');
    const token = login.body.data.login.accessToken as string;
    const products = (await post(url, storefront, { first: 20 }, undefined, 'StorefrontHome')).body.data.products.edges.map((e: any) => e.node) as { id: string; stock: { available: number } }[];
    const stocked = products.filter((p) => p.stock.available > 50);
    expect(stocked.length).toBeGreaterThan(0);

    // Browsing (4 loops) and ordering (1 loop) through HAProxy, the whole time.
    const orders: string[] = [];
    const load = runLoad(5, async (loop) => {
      if (loop > 0) return graphqlOk(url, storefront, { first: 8 }, { operationName: 'StorefrontHome' });
      const product = stocked[orders.length % stocked.length]!;
      const res = await post(url, commerce, { input: { lines: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, token, 'PlaceOrder');
      if (res.status !== 200 || res.body.errors?.length || !res.body.data?.placeOrder?.id) return `placeOrder: HTTP ${res.status} ${JSON.stringify(res.body.errors)}`;
      orders.push(res.body.data.placeOrder.id);
      return undefined;
    });

    const rolloutStarted = Date.now();
    const rollout = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ops', 'scale', 'rollout-cli.ts'), '--concurrency', '3'], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let rolloutOutput = '';
    for (const s of [rollout.stdout!, rollout.stderr!]) s.setEncoding('utf8').on('data', (c: string) => (rolloutOutput += c));
    const code = await new Promise<number | null>((resolve) => rollout.once('exit', resolve));
    const rolloutMs = Date.now() - rolloutStarted;
    const samples = await load.stop();
    const failed = samples.filter((s) => !s.ok);
    console.log(`rollout of 22 instances (${process.env.KAFKA_BROKERS ? 'Kafka' : 'embedded log'}${process.env.REDIS_URL ? ', Redis' : ''}): ${(rolloutMs / 1000).toFixed(1)} s, ${samples.length} requests (${orders.length} orders), ${failed.length} failed`);

    expect(code, `${rolloutOutput}\n${output.slice(-3000)}`).toBe(0);
    // Every instance is a new process: one line per instance, pid old -> new.
    const restarted = rolloutOutput.split('\n').filter((l) => / pid \d+ -> \d+/.test(l));
    expect(restarted).toHaveLength(22);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(samples.length).toBeGreaterThan(100);
    expect(orders.length).toBeGreaterThan(3);

    // Every order placed during the rollout confirms.
    const ORDER = 'query Order($id: ID!) { order(id: $id) { id status } }';
    for (const id of orders) {
      const until = Date.now() + 30_000;
      let status: string | undefined;
      while (Date.now() < until) {
        status = (await post(url, ORDER, { id }, token)).body.data?.order?.status;
        if (status === 'CONFIRMED' || status === 'CANCELLED') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect({ id, status }).toEqual({ id, status: 'CONFIRMED' });
    }

    // SIGKILL one gateway instance under browsing: HAProxy retries what never reached it and takes
    // it out of rotation; at most the requests it held at that moment fail.
    const gatewayPid = Number(/gateway-1: pid \d+ -> (\d+)/.exec(rolloutOutput)?.[1]);
    expect(gatewayPid).toBeGreaterThan(0);
    const browse = runLoad(4, () => graphqlOk(url, storefront, { first: 8 }, { operationName: 'StorefrontHome' }));
    await new Promise((r) => setTimeout(r, 1_000));
    const held = browse.inFlight;
    process.kill(gatewayPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await browse.stop();
    const lost = after.filter((s) => !s.ok);
    console.log(`gateway SIGKILL: ${after.length} requests, ${lost.length} failed (held at most ${held})`);
    expect(lost.length).toBeLessThanOrEqual(4);
    expect(after.filter((s) => s.ok).length).toBeGreaterThan(10);
  }, 900_000);
});
