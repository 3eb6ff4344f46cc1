import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { contract, gql, login } from './support/client';

const manifest: { operations: { id: string; name: string; body: string }[] } = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'clients', 'persisted-query-manifest.json'), 'utf8'),
);
const idOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;

// The demo keys of gateway/api-keys.json (documented in the README; demo only).
const MOBILE_KEY = 'clk_demo_mobile_0000000000000000';
const PARTNER_KEY = 'clk_demo_partner_000000000000000';

/** A GET to /graphql with the given query-string parameters (objects are JSON-encoded). */
async function get(params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const url = new URL(inject('gatewayUrl'));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(inject('gatewayUrl'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('persisted queries and API keys', () => {
  it('refuses an ad-hoc query from a manifest-only key with 400 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const res = await gql('{ products(first: 3) { totalCount } }', { headers: { 'x-api-key': PARTNER_KEY } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(res.body.data).toBeUndefined();
    // …even when it is word for word a manifest operation sent as text
    const asText = await gql(contract('storefront'), { operationName: 'StorefrontHome', headers: { 'x-api-key': MOBILE_KEY } });
    expect(asText.status).toBe(400);
    expect(asText.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('serves a manifest id over GET to a manifest-only key, cacheable by a CDN', async () => {
    const res = await get({ extensions: apq(idOf('StorefrontHome')), variables: { first: 3 } }, { 'x-api-key': MOBILE_KEY });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.products.edges).toHaveLength(3);
    const cacheControl = res.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/\bpublic\b/);
    expect(cacheControl).toMatch(/\bmax-age=[1-9]\d*\b/);
  });

  it('accepts a top-level documentId too, in the query string or the POST body', async () => {
    const byGet = await get({ documentId: idOf('StorefrontHome'), variables: { first: 2 } }, { 'x-api-key': PARTNER_KEY });
    expect(byGet.status).toBe(200);
    expect(byGet.body.data.products.edges).toHaveLength(2);
    const product = byGet.body.data.products.edges[0].node.id;
    const byPost = await post({ documentId: idOf('ProductPage'), variables: { id: product } }, { 'x-api-key': PARTNER_KEY });
    expect(byPost.status).toBe(200);
    expect(byPost.body.data.product.id).toBe(product);
  });

  it('refuses an id that is not in the manifest', async () => {
    const unknown = createHash('sha256').update('{ products(first: 1) { totalCount } }').digest('hex');
    const fromKey = await get({ extensions: apq(unknown) }, { 'x-api-key': MOBILE_KEY });
    expect(fromKey.status).toBe(400);
    expect(fromKey.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const byDocumentId = await post({ documentId: unknown });
    expect(byDocumentId.status).toBe(400);
    expect(byDocumentId.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('answers an unknown API key with 401 UNAUTHENTICATED', async () => {
    const res = await gql('{ products(first: 1) { totalCount } }', { headers: { 'x-api-key': 'clk_not_a_key' } });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]).toMatchObject({ message: 'Unknown API key', extensions: { code: 'UNAUTHENTICATED' } });
    const byGet = await get({ documentId: idOf('StorefrontHome') }, { 'x-api-key': 'clk_not_a_key' });
    expect(byGet.status).toBe(401);
  });

  it('registers an automatic persisted query for the first-party web app, then serves it by hash alone', async () => {
    const query = `query Apq${Date.now()} { products(first: 2) { totalCount edges { node { id } } } }`;
    const hash = createHash('sha256').update(query).digest('hex');
    const miss = await post({ extensions: apq(hash) });
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post({ query, extensions: apq(hash) });
    expect(register.status).toBe(200);
    expect(register.body.data.products.edges).toHaveLength(2);
    const hit = await post({ extensions: apq(hash) });
    expect(hit.status).toBe(200);
    expect(hit.body.data).toEqual(register.body.data);
    // and over GET, as Apollo Client sends hashed queries (it sets content-type: application/json)
    const hitByGet = await get({ extensions: apq(hash) }, { 'content-type': 'application/json' });
    expect(hitByGet.body.data).toEqual(register.body.data);
    expect(hitByGet.headers.get('cache-control')).toMatch(/public/);
  });

  it('never marks private answers public: a signed-in caller or a private field', async () => {
    const token = await login('customer@cloudlab.dev');
    const me = await get({ documentId: idOf('Me') }, { 'x-api-key': MOBILE_KEY, authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.data.me.email).toBe('customer@cloudlab.dev');
    expect(me.headers.get('cache-control')).toMatch(/^(no-store|max-age=\d+, private)$/);
    const signedIn = await get({ documentId: idOf('StorefrontHome') }, { 'x-api-key': MOBILE_KEY, authorization: `Bearer ${token}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toMatch(/^(no-store|max-age=\d+, private)$/);
    const privateField = await get({ query: '{ products(first: 1) { edges { node { vendor { name } } } } me { id } }' }, { 'content-type': 'application/json' });
    expect(privateField.headers.get('cache-control')).not.toMatch(/public/);
  });
});
