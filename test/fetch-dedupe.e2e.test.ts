import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricsUrl } from '@cloudlab/kit/metrics-server';
import { HEAVY_QUERY } from '../ops/bench/queries';
import { counter, login } from './support/client';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';
import { heldProxy, type HeldProxy } from './support/held-proxy';

/**
 * Identical subgraph fetches in flight share one request (SUBGRAPH_FETCH_DEDUPE=inflight, the
 * default), but only between callers of the same identity: with the accounts subgraph held back,
 * many concurrent `me` queries from three users and anonymous callers reach accounts once per
 * caller, and every caller gets its own answer.
 */
const ME = '{ me { id email } }';

let gateway: GatewayProcess;
let accounts: HeldProxy;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  accounts = await heldProxy(inject('subgraphUrls').accounts!);
  // A busy machine may take longer than startGatewayProcess waits: one more try.
  // No response cache: every request must reach the subgraphs for the counts to mean anything.
  const env = { SUBGRAPH_ACCOUNTS_URL: accounts.url, RESPONSE_CACHE_ENABLED: 'false' };
  gateway = await startGatewayProcess(env).catch(() => startGatewayProcess(env));
  for (const email of ['customer@cloudlab.dev', 'vendor@cloudlab.dev', 'admin@cloudlab.dev']) tokens[email] = await login(email);
  // The gateway fetches the token keys (JWKS) from accounts once: before the story counts.
  await ask(tokens['customer@cloudlab.dev']);
});
afterAll(async () => {
  accounts.holding = false;
  accounts.release();
  await gateway?.stop();
  await accounts?.close();
});

const ask = (token?: string) =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: ME }),
  }).then(async (res) => (await res.json()) as { data?: { me: { id: string; email: string } | null }; errors?: unknown[] });

describe('sharing identical subgraph fetches in flight', () => {
  it('one accounts request per caller identity, each caller its own answer', async () => {
    const sharedBefore = await counter(gateway.url, 'cloudlab_gateway_subgraph_fetches_shared_total{subgraph="accounts",mode="inflight"}');
    accounts.received.length = 0;
    accounts.holding = true;
    const callers = [...Object.keys(tokens), undefined];
    // Five identical requests per caller, interleaved, all in flight together.
    const asked = Array.from({ length: 5 }, () => callers.map((email) => ask(email && tokens[email]).then((answer) => ({ email, answer })))).flat();
    try {
      // Every caller's request reaches the gateway (slowly on a busy machine), then stragglers would show.
      for (let i = 0; i < 600 && accounts.received.length < callers.length; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      accounts.holding = false;
      accounts.release();
    }
    expect(accounts.received.length).toBe(callers.length);
    // Each upstream request carries one caller's identity: three users, one anonymous.
    const identities = accounts.received.map((r) => r.identity);
    expect(new Set(identities).size).toBe(callers.length);
    expect(identities.filter((i) => i === undefined)).toHaveLength(1);
    for (const { email, answer } of await Promise.all(asked)) {
      if (email) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.me!.email).toBe(email);
      } else {
        // `me` needs a signed-in caller: accounts refuses the anonymous one, and nobody's data leaks in.
        expect(answer.data?.me ?? null).toBeNull();
        expect((answer.errors as { extensions?: { code?: string } }[])[0]!.extensions?.code).toBe('UNAUTHENTICATED');
      }
    }
    expect(await counter(gateway.url, 'cloudlab_gateway_subgraph_fetches_shared_total{subgraph="accounts",mode="inflight"}')).toBe(sharedBefore + 4 * callers.length);
  });

  it('once answered nothing is kept: the next request asks accounts again', async () => {
    const before = accounts.received.length;
    const answer = await ask(tokens['customer@cloudlab.dev']);
    expect(answer.data!.me!.email).toBe('customer@cloudlab.dev');
    expect(accounts.received.length).toBe(before + 1);
  });

  it('ten identical Heavy queries at once send a fraction of the subgraph requests they send alone', async () => {
    const alone = await startGatewayProcess({ SUBGRAPH_FETCH_DEDUPE: 'off', RESPONSE_CACHE_ENABLED: 'false' });
    try {
      const sent = async (g: GatewayProcess) =>
        (await (await fetch(metricsUrl(g.url))).text())
          .split('\n')
          .filter((line) => line.startsWith('cloudlab_gateway_subgraph_requests_total{'))
          .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
      const burst = async (g: GatewayProcess) => {
        await post(g.url, HEAVY_QUERY); // planned (first sight), so the burst runs on the lean path
        const before = await sent(g);
        const answers = await Promise.all(Array.from({ length: 10 }, () => post(g.url, HEAVY_QUERY)));
        for (const a of answers) expect(a.body.errors).toBeUndefined();
        expect(answers.every((a) => JSON.stringify(a.body.data) === JSON.stringify(answers[0]!.body.data))).toBe(true);
        return (await sent(g)) - before;
      };
      const [withSharing, without] = [await burst(gateway), await burst(alone)];
      console.log(`subgraph requests for 10 concurrent Heavy queries: ${withSharing} shared in flight, ${without} without sharing`);
      expect(without).toBeGreaterThanOrEqual(10 * 7);
      expect(withSharing).toBeLessThan(without / 2);
    } finally {
      await alone.stop();
    }
  }, 240_000);
});

