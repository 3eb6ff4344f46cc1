import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { contract } from './support/client';
import { startGatewayProcess, type GatewayProcess } from './support/gateway';
import { metric } from './support/live';

/**
 * The gateway's per-subgraph circuit breaker (gateway/src/breaker.ts): reviews made to hang (a
 * server in front of it that takes requests and never answers) costs the storefront the timeout
 * only until the breaker opens; then the page answers at once with every other subgraph's fields
 * and reviews' fields null with SUBGRAPH_UNAVAILABLE. Once reviews answers again, the half-open
 * probe closes the breaker and the ratings come back.
 */
const storefront = contract('storefront');
const TIMEOUT_MS = 1_000;
const HALF_OPEN_MS = 2_000;

let hanging = true;
const held: ServerResponse[] = [];
const sockets = new Set<Socket>();
// In front of the real reviews subgraph: swallows requests while `hanging`, passes them on after.
const front = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (hanging) return void held.push(res);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
  const answer = await fetch(inject('subgraphUrls').reviews!, { method: req.method, headers, body: Buffer.concat(chunks) });
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'cache-control': answer.headers.get('cache-control') ?? 'no-store' });
  res.end(Buffer.from(await answer.arrayBuffer()));
});
front.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));

let gateway: GatewayProcess | undefined;
afterAll(async () => {
  await gateway?.stop();
  for (const s of sockets) s.destroy();
  await new Promise((r) => front.close(r));
});

async function page() {
  const t0 = performance.now();
  const res = await fetch(gateway!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: storefront, operationName: 'StorefrontHome', variables: { first: 4 } }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  return { ms: performance.now() - t0, status: res.status, body };
}

describe('circuit breaker per subgraph', () => {
  it('a hung subgraph trips its breaker: the storefront answers at once with the other fields, and recovers through the half-open probe', async () => {
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const { port } = front.address() as { port: number };
    gateway = await startGatewayProcess({
      SUBGRAPH_REVIEWS_URL: `http://127.0.0.1:${port}/graphql`,
      SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
      SUBGRAPH_BREAKER_FAILURES: '3',
      SUBGRAPH_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      LOG_LEVEL: 'warn',
    });
    const base = gateway.url.replace('/graphql', '');

    // Until the breaker opens, each page waits for the subgraph timeout.
    for (let i = 0; i < 3; i++) {
      const slow = await page();
      expect(slow.status).toBe(200);
      expect(slow.body.data.products.edges).toHaveLength(4);
      expect(slow.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'reviews' });
    }
    expect(await metric(base, 'cloudlab_gateway_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(1);

    // Open: the page answers well within the timeout, products, prices, stock all there.
    const fast = await page();
    expect(fast.ms).toBeLessThan(TIMEOUT_MS / 2);
    const node = fast.body.data.products.edges[0].node;
    expect(node.name).toEqual(expect.any(String));
    expect(node.price.amount).toEqual(expect.any(String));
    expect(node.stock).toEqual({ available: expect.any(Number) });
    expect(node.averageRating).toBeNull();
    expect(fast.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews', refused: 'circuit' });
    const heldBefore = held.length;
    await page();
    expect(held.length).toBe(heldBefore); // nothing sent to the hung subgraph while open

    // Reviews answers again: after the half-open delay one probe closes the breaker.
    hanging = false;
    for (const res of held.splice(0)) res.destroy();
    await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 200));
    const back = await page();
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data.products.edges[0].node.reviewCount).toEqual(expect.any(Number));
    expect(await metric(base, 'cloudlab_gateway_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(0);
  }, 180_000);
});
