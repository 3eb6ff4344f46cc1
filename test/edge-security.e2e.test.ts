import { createServer, type Server } from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';

/** CSRF prevention, CORS and the request timeout, as a browser or a slow upstream meets them. */
const QUERY = '{ products(first: 1) { totalCount } }';
const url = () => inject('gatewayUrl');

describe('CSRF prevention', () => {
  it('refuses a POST a plain HTML form could send (text/plain), before running it', async () => {
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('refuses a GET without a header that forces a preflight, and serves one with it', async () => {
    const get = `${url()}?query=${encodeURIComponent(QUERY)}`;
    expect((await fetch(get)).status).toBe(400);
    const ok = await fetch(get, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data.products.totalCount).toBe(10_000);
  });
});

describe('CORS (development default: origins on this machine)', () => {
  it('answers a preflight from an allowed origin, echoing it', async () => {
    const res = await fetch(url(), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets an allowed origin read the answer and its rate-limit headers', async () => {
    const res = await post(url(), QUERY, { headers: { origin: 'http://localhost:3000' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ratelimit-remaining/);
  });

  it('refuses a preflight from any other origin and gives it no CORS headers', async () => {
    const res = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await post(url(), QUERY, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a gateway in production mode', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess({ NODE_ENV: 'production', CORS_ORIGINS: 'https://shop.example' });
  });
  afterAll(() => gateway?.stop());

  it('allows only the configured origins', async () => {
    const shop = await post(gateway.url, QUERY, { headers: { origin: 'https://shop.example' } });
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const local = await post(gateway.url, QUERY, { headers: { origin: 'http://localhost:3000' } });
    expect(local.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers no introspection and shows no Sandbox', async () => {
    const res = await post(gateway.url, getIntrospectionQuery());
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });
});

describe('a request that takes too long', () => {
  let gateway: GatewayProcess;
  let hanging: Server;
  beforeAll(async () => {
    // A "catalog" that accepts requests and never answers.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as { port: number };
    gateway = await startGatewayProcess({ REQUEST_TIMEOUT_MS: '500', SUBGRAPH_TIMEOUT_MS: '5000', SUBGRAPH_CATALOG_URL: `http://127.0.0.1:${port}/graphql` });
  });
  afterAll(async () => {
    await gateway?.stop();
    hanging?.closeAllConnections();
    await new Promise((r) => hanging?.close(r));
  });

  it('gets 504 GATEWAY_TIMEOUT after REQUEST_TIMEOUT_MS, and the gateway stays up', async () => {
    const started = Date.now();
    const res = await post(gateway.url, QUERY);
    expect(res.status).toBe(504);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GATEWAY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await fetch(new URL('/healthz', gateway.url))).status).toBe(200);
  });
});
