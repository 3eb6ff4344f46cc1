import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, gql, login } from './support/client';

/**
 * A database connection the server drops (an idle-session kill, a failover, a restarted
 * PostgreSQL) costs the requests in flight, never a process: here every backend of a subgraph's
 * database is killed while the storefront is under load.
 */
const storefront = contract('storefront');
const pids = async () => (await (await fetch(`${inject('controlUrl')}/pids`, { method: 'POST' })).json()) as Record<string, number>;

/** Terminates every server connection to the stack's database `<prefix><name>`; returns how many. */
async function killBackends(...names: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()',
      [names.map((n) => `${inject('dbPrefix')}${n}`)],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

interface Outcome {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
}

/** `workers` loops of StorefrontHome for `ms`; `kill` runs once, `killAfterMs` into the load. */
async function underLoad(ms: number, workers: number, killAfterMs: number, kill: () => Promise<number>) {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const loop = async () => {
    while (Date.now() - started < ms) {
      const startedAt = Date.now();
      try {
        const res = await gql(storefront, { operationName: 'StorefrontHome', variables: { first: 8 } });
        const ok = res.status === 200 && !res.body.errors && res.body.data?.products?.edges?.length === 8;
        outcomes.push({ startedAt, endedAt: Date.now(), ok, error: ok ? undefined : JSON.stringify(res.body.errors ?? res.status).slice(0, 200) });
      } catch (err) {
        outcomes.push({ startedAt, endedAt: Date.now(), ok: false, error: String(err) });
      }
    }
  };
  const killed = (async () => {
    await new Promise((r) => setTimeout(r, killAfterMs));
    return { at: Date.now(), count: await kill() };
  })();
  await Promise.all([...Array.from({ length: workers }, loop), killed]);
  return { outcomes, killedAt: (await killed).at, killedCount: (await killed).count };
}

describe('PostgreSQL drops every connection of a subgraph', () => {
  let before: Record<string, number>;
  beforeAll(async () => {
    before = await pids();
  });

  it('catalog under storefront load: failures only for a moment after the kill, no process exits', async () => {
    const { outcomes, killedAt, killedCount } = await underLoad(10_000, 4, 3_000, () => killBackends('catalog'));
    expect(killedCount).toBeGreaterThan(0); // the pool's connections and the outbox relay's LISTEN
    const failed = outcomes.filter((o) => !o.ok);
    const windowMs = failed.length ? Math.max(...failed.map((o) => o.endedAt)) - killedAt : 0;
    console.log(
      `catalog backends killed: ${killedCount}; requests ${outcomes.length}, failed ${failed.length}, ` +
        `failure window ${windowMs} ms after the kill${failed[0] ? `; first error ${failed[0].error}` : ''}`,
    );
    expect(failed.every((o) => o.endedAt >= killedAt)).toBe(true); // nothing failed before the kill
    expect(windowMs).toBeLessThan(3_000);
    const after = outcomes.filter((o) => o.startedAt > killedAt + 3_000);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((o) => o.ok)).toBe(true);
    expect(await pids()).toEqual(before); // every process is the one that was there before
  });

  it('orders and the event log: an order placed after the kill still reaches CONFIRMED', async () => {
    const customer = await login('customer@cloudlab.dev');
    const res = await gql('{ products(first: 50) { edges { node { id stock { available } } } } }');
    const product = res.body.data.products.edges.map((e: any) => e.node).find((p: any) => p.stock.available >= 5);
    // orders' pool and its outbox relay's LISTEN; with the embedded bus also every process's
    // connections to the log (its LISTEN and its subscriptions' pool).
    const killedCount = await killBackends('orders', 'events');
    expect(killedCount).toBeGreaterThan(0);
    const killedAt = Date.now();
    let order: { id: string } | undefined;
    let attempts = 0;
    const idempotencyKey = randomUUID();
    while (!order && Date.now() - killedAt < 5_000) {
      attempts++;
      const placed = await gql(contract('commerce'), {
        operationName: 'PlaceOrder',
        token: customer,
        variables: { input: { lines: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey } },
      });
      order = placed.body.data?.placeOrder ?? undefined;
    }
    expect(order).toBeDefined();
    let status: string | undefined;
    while (Date.now() - killedAt < 30_000) {
      const read = await gql('query($id: ID!) { order(id: $id) { status } }', { token: customer, variables: { id: order!.id } });
      status = read.body.data?.order?.status;
      if (status === 'CONFIRMED' || status === 'CANCELLED') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`orders+events backends killed: ${killedCount}; placeOrder attempts ${attempts}; ${status} ${Date.now() - killedAt} ms after the kill`);
    expect(status).toBe('CONFIRMED');
    expect(await pids()).toEqual(before);
  }, 60_000);
});
