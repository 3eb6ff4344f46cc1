import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { gatewayAuthHeaders } from '@cloudlab/kit/gateway-auth';
import { IDENTITY_HEADER, signIdentity, type Viewer } from '@cloudlab/kit/identity';
import { defaultMetricsPort } from '@cloudlab/kit/metrics-server';
import { until } from './support/poll';
import { freePort } from './support/ports';

/**
 * Catalog on a primary + streaming replica of the project's own (`bash ops/services/pg-replica.sh
 * start`; its `env` lines set PG_PAIR_PRIMARY_URL and PG_PAIR_REPLICA_URL, as CI's real-services
 * leg does): listings are answered by the replica; with the replica stopped they keep answering
 * from the primary and a new product is in the listing at once; started again, reads go back to
 * it. One catalog process (a real subgraph, called the way the gateway calls it) — the rest of the
 * stack plays no part in where catalog reads.
 */
const pair = { primary: process.env.PG_PAIR_PRIMARY_URL, replica: process.env.PG_PAIR_REPLICA_URL };
const ROOT = path.join(__dirname, '..');
const run = promisify(execFile);
const pairScript = (cmd: string) => run('bash', [path.join(ROOT, 'ops/postgres-replica/pg-pair.sh'), cmd], { cwd: ROOT });

const LISTING = `query Listing($first: Int!) { products(first: $first) { totalCount edges { node { id name vendor { id } category { id } } } } categories { id } }`;
const CREATE = `mutation Create($input: ProductInput!) { createProduct(input: $input) { id name } }`;

describe.skipIf(!pair.primary || !pair.replica)('catalog listings on a read replica', () => {
  const prefix = `e2e_rr_${Date.now().toString(36)}_`;
  const secret = randomBytes(32).toString('hex');
  const output: string[] = [];
  let child: ChildProcess;
  let url: string;
  let metricsUrl: string;
  let replica: pg.Client;
  let vendor: Viewer;
  let categoryId: string;

  const call = async (query: string, variables: Record<string, unknown>, viewer?: Viewer) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...gatewayAuthHeaders(secret),
        ...(viewer ? { [IDENTITY_HEADER]: await signIdentity(viewer, secret) } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (res.status !== 200 || body.errors) throw new Error(`catalog answered ${res.status}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const listing = (viewer?: Viewer) => call(LISTING, { first: 20 }, viewer);
  const names = (data: any): string[] => data.products.edges.map((e: any) => e.node.name);
  const counter = async (name: string, labels: string) => {
    const line = (await (await fetch(metricsUrl)).text()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const replicaReads = () => counter('cloudlab_db_reads_total', 'target="replica"');
  const fallbacks = async () => {
    let n = 0;
    for (const reason of ['down', 'lag', 'stale', 'error']) n += await counter('cloudlab_db_read_fallback_total', `reason="${reason}"`);
    return n;
  };
  /** The replica's own view: catalog connections to its copy of the database, and their last statements. */
  const replicaSessions = async () =>
    (await replica.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE datname = $1', [`${prefix}catalog`])).rows.map((r) => r.query);
  const p50 = async (n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await listing();
      ms.push(performance.now() - started);
    }
    return ms.sort((a, b) => a - b)[Math.floor(n / 2)]!.toFixed(1);
  };
  const create = async (name: string) =>
    (await call(CREATE, { input: { sku: `RR-${randomUUID().slice(0, 8)}`, name, description: 'read replica story', price: '12.50', categoryId } }, vendor)).createProduct;

  beforeAll(async () => {
    await pairScript('start'); // idempotent: the replica streaming (again) before the story starts
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    metricsUrl = `http://127.0.0.1:${defaultMetricsPort(port)}/metrics`;
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/catalog/src/server.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        APOLLO_TELEMETRY_DISABLED: '1',
        OTEL_SDK_DISABLED: 'true',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        PORT: String(port),
        DATABASE_URL: pair.primary,
        DATABASE_READ_URL: pair.replica,
        DB_PREFIX: prefix,
        INTERNAL_SECRET: secret,
        KAFKA_BROKERS: '',
        SEED_VENDORS: '3',
        SEED_PRODUCTS: '300',
        SEED_CUSTOMERS: '20',
        SEED_REVIEWS: '0',
        REPLICA_MAX_LAG_MS: '1000',
        REPLICA_CHECK_INTERVAL_MS: '200',
        REPLICA_TIMEOUT_MS: '1000',
      },
    });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`catalog exited ${child.exitCode}:\n${output.slice(-20).join('\n')}`);
        return (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok;
      },
      'catalog on the primary',
      Number(process.env.START_TIMEOUT_MS) || 180_000,
    );
    replica = new pg.Client({ connectionString: new URL(`/${prefix}catalog`, pair.replica).toString() });
    replica.on('error', () => undefined);
    await until(() => replica.connect().then(() => true, () => false), 'the catalog database on the replica', 10_000);
    const first = (await listing()).products.edges[0].node;
    vendor = { userId: randomUUID(), role: 'VENDOR', vendorId: first.vendor.id };
    categoryId = first.category.id;
  }, 240_000);

  afterAll(async () => {
    await pairScript('start-replica').catch(() => undefined);
    await replica?.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (pair.primary) await dropDatabases(pair.primary, prefix);
  }, 60_000);

  it('answers listings from the replica', async () => {
    await until(async () => (await fetch(metricsUrl).then((r) => r.text())).includes('cloudlab_db_replica_up 1'), 'the replica checked and up', 10_000);
    const before = { replica: await replicaReads(), fallbacks: await fallbacks() };
    for (let i = 0; i < 10; i++) expect((await listing()).products.edges).toHaveLength(20);
    // products page, totalCount and categories: three reads per listing, on the replica — but for
    // any the policy sent to the primary meanwhile (a check late on a loaded machine, a moment
    // beyond the lag bound), each counted as a fallback.
    const onReplica = (await replicaReads()) - before.replica;
    const fellBack = (await fallbacks()) - before.fallbacks;
    expect(onReplica + fellBack).toBe(30);
    expect(onReplica).toBeGreaterThanOrEqual(20);
    if (fellBack) console.log(`${fellBack} of 30 listing reads went to the primary by the lag/health policy`);
    // The replica's own sessions ran the listing's statements (each connection shows its last one).
    const sessions = await replicaSessions();
    expect(sessions.some((q) => /FROM (products|product_counts|categories)\b/.test(q)), JSON.stringify(sessions)).toBe(true);
    console.log(`listing p50 from the replica: ${await p50(40)} ms`);
  });

  it('a viewer who creates a product sees it in the next listing (the primary answers them for the lag bound)', async () => {
    const made = await create(`Fresh ${randomUUID().slice(0, 6)}`);
    expect(names(await listing(vendor))).toContain(made.name);
    // Everyone else reads the replica, which has it within its lag.
    await until(async () => names(await listing()).includes(made.name), 'the new product on the replica', 2_000);
  });

  it('with the replica stopped, listings keep answering from the primary and a new product is listed at once', async () => {
    const fallbackBefore = await fallbacks();
    const stopped = Date.now();
    await pairScript('stop-replica');
    for (let i = 0; i < 10; i++) expect((await listing()).products.edges).toHaveLength(20);
    expect((await fallbacks()) - fallbackBefore).toBeGreaterThanOrEqual(30); // every read of the 10 listings
    expect(output.some((line) => line.includes('read replica unavailable'))).toBe(true);
    const made = await create(`While down ${randomUUID().slice(0, 6)}`);
    expect(names(await listing())).toContain(made.name); // anonymous: on the primary
    console.log(`listing p50 from the primary (replica down): ${await p50(40)} ms; stop → fallback in ${Date.now() - stopped} ms incl. the stop`);
  });

  it('started again, the replica catches up and answers listings again', async () => {
    const started = Date.now();
    const mark = output.length;
    await pairScript('start-replica');
    await until(async () => output.slice(mark).some((line) => line.includes('read replica available')), 'the replica back in the check', 15_000);
    // Back in the check; it answers once it is also within the lag bound (it replays what it missed).
    const data = await until(async () => {
      const before = await replicaReads();
      const answer = await listing();
      return (await replicaReads()) - before >= 3 ? answer : null;
    }, 'a listing answered by the replica', 15_000);
    console.log(`replica answering listings again ${Date.now() - started} ms after start-replica began`);
    expect(names(data).some((n) => n.startsWith('While down'))).toBe(true); // written while it was down: replayed from the slot
  });
});
