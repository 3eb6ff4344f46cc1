import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabases, gatewayAuthHeaders } from '@cloudlab/kit';
import { until } from './support/poll';
import { freePort } from './support/ports';
import { startSubgraphProcess, type SubgraphProcess } from './support/subgraph-process';

/**
 * `pnpm start` serves before its demo data is in (SEED_IN_BACKGROUND): a subgraph on an empty
 * database listens at once, asks its stack (over the IPC channel ops/stack.ts gives it) when to
 * load the demo data, and until that has committed says so on /readyz and marks its answers
 * `no-store`, so no cache keeps a half-empty page. Here the test plays the stack.
 */
describe('a subgraph loading its demo data in the background', () => {
  const prefix = `bgseed_${randomBytes(3).toString('hex')}_`;
  const secret = randomBytes(32).toString('hex');
  let catalog: SubgraphProcess;
  const asked: unknown[] = [];

  beforeAll(async () => {
    catalog = await startSubgraphProcess(
      'catalog',
      await freePort(),
      { DATABASE_URL: inject('databaseUrl'), DB_PREFIX: prefix, INTERNAL_SECRET: secret, SEED_IN_BACKGROUND: 'true', KAFKA_BROKERS: '' },
      { ipc: true },
    );
    catalog.child.on('message', (m) => asked.push(m));
  });
  afterAll(async () => {
    await catalog?.stop();
    await dropDatabases(inject('databaseUrl'), prefix);
  });

  const products = async () => {
    const res = await fetch(catalog.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(secret) },
      body: JSON.stringify({ query: '{ products(first: 3) { edges { node { id } } } }' }),
    });
    return { cacheControl: res.headers.get('cache-control'), count: ((await res.json()) as any).data.products.edges.length as number };
  };
  const readyz = async () => (await (await fetch(new URL('/readyz', catalog.url))).json()) as { status: string; demoData?: string };

  it('serves at once, says its demo data is loading and answers no-store until its stack says seed', async () => {
    await until(async () => asked.length > 0, 'the seed asked for', 10_000);
    expect(asked).toEqual([{ cloudlab: 'seed-wanted' }]);
    expect(await readyz()).toEqual({ status: 'ready', demoData: 'loading' });
    // Still empty: the seed waits for the stack's word, however long the rest of the stack takes.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await products()).toEqual({ cacheControl: 'no-store', count: 0 });
  });

  it('loads the demo data once told, then is plainly ready and its answers cacheable again', async () => {
    catalog.child.send({ cloudlab: 'seed' });
    await until(async () => !(await readyz()).demoData, 'demo data loaded', 120_000);
    expect(await readyz()).toEqual({ status: 'ready' });
    const after = await products();
    expect(after.count).toBe(3);
    expect(after.cacheControl).not.toBe('no-store');
  });
});
