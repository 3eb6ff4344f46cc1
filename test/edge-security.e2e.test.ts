import { createServer, type Server } from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricsUrl } from '@cloudlab/kit/metrics-server';
import { subgraphDb } from './support/db';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';
import { liveClient } from './support/live';

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
    // Its token keys live at a port where nothing listens: every token check fails inside the gateway.
    gateway = await startGatewayProcess({ NODE_ENV: 'production', CORS_ORIGINS: 'https://shop.example', JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
  });
  afterAll(() => gateway?.stop());

  it('allows only the configured origins', async () => {
    const shop = await post(gateway.url, QUERY, { headers: { origin: 'https://shop.example' } });
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const local = await post(gateway.url, QUERY, { headers: { origin: 'http://localhost:3000' } });
    expect(local.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers no introspection and shows no Sandbox', async () => {
    const res = await post(gateway.url, getIntrospectionQuery(), { headers: { accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  it('suggests no field names ("Did you mean …") over HTTP or graphql-ws', async () => {
    const res = await post(gateway.url, '{ prodcts(first: 1) { totalCount } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/prodcts/);
    expect(res.body.errors?.[0]?.message).not.toMatch(/did you mean|products/i);
    const live = liveClient({ url: gateway.url });
    try {
      const stream = live.subscribe('subscription { stockChangd(productIds: []) { productId } }');
      const { error } = await stream.end(5_000);
      expect(JSON.stringify(error)).toMatch(/stockChangd/);
      expect(JSON.stringify(error)).not.toMatch(/did you mean|stockChanged/i);
    } finally {
      await live.close();
    }
  });

  it('answers a failure inside the gateway (token keys unreachable) with a code and a safe message only', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ role: 'CUSTOMER' }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setSubject('u').setIssuer('cloudlab-accounts').setAudience('cloudlab').setExpirationTime('5m').sign(privateKey);
    const res = await post(gateway.url, '{ __typename }', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/127\.0\.0\.1|jwks|ECONNREFUSED|fetch failed|stack|\.ts\b/i);
  });
});

describe('tokens', () => {
  /** Signed with the accounts subgraph's own current key: only the claims differ from a real token. */
  async function accountsToken(withExp: boolean) {
    const { rows } = await subgraphDb('accounts').query('SELECT kid, private_jwk FROM signing_keys ORDER BY created_at DESC LIMIT 1');
    const key = await importJWK(rows[0].private_jwk, 'ES256');
    const jwt = new SignJWT({ role: 'CUSTOMER' })
      .setProtectedHeader({ alg: 'ES256', kid: rows[0].kid })
      .setSubject('00000000-0000-4000-8000-000000000001')
      .setIssuer('cloudlab-accounts')
      .setAudience('cloudlab')
      .setIssuedAt();
    return (withExp ? jwt.setExpirationTime('10m') : jwt).sign(key);
  }

  it('refuses a correctly signed token without exp with 401', async () => {
    expect((await post(url(), QUERY, { headers: { authorization: `Bearer ${await accountsToken(true)}` } })).status).toBe(200);
    const res = await post(url(), QUERY, { headers: { authorization: `Bearer ${await accountsToken(false)}` } });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('/metrics', () => {
  it('is not on the public port, only on the internal metrics port', async () => {
    expect((await fetch(new URL('/metrics', url()))).status).toBe(404);
    const internal = await fetch(metricsUrl(url()));
    expect(internal.status).toBe(200);
    expect(await internal.text()).toMatch(/cloudlab_gateway_/);
    const catalog = inject('subgraphUrls').catalog!;
    expect((await fetch(new URL('/metrics', catalog))).status).toBe(404);
    expect(await (await fetch(metricsUrl(catalog))).text()).toMatch(/cloudlab_db_statements_total/);
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
