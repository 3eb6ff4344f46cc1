import { inject, describe, expect, it } from 'vitest';
import { gql } from './support/client';

const post = (body: string, contentType = 'application/json') =>
  fetch(inject('gatewayUrl'), { method: 'POST', headers: { 'content-type': contentType }, body });

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('bad requests', () => {
  it('answers malformed JSON with 400 and a clear error', async () => {
    const res = await post('{"query": "{ products { totalCount } }"');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/malformed json/i), extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED: 400 for graphql-response+json, 200 for a legacy application/json client', async () => {
    const res = await gql('{ products(first: 3) { totalCount ', { headers: { accept: GRAPHQL_RESPONSE } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    const legacy = await gql('{ products(first: 3) { totalCount ', { headers: { accept: 'application/json' } });
    expect(legacy.status).toBe(200);
    expect(legacy.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers an unknown field with GRAPHQL_VALIDATION_FAILED naming the field (400 / 200 by Accept)', async () => {
    const res = await gql('{ products(first: 3) { totalCount colour } }', { headers: { accept: GRAPHQL_RESPONSE } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/colour/);
    expect((await gql('{ products(first: 3) { totalCount colour } }', { headers: { accept: 'application/json' } })).status).toBe(200);
  });

  it('answers a variable of the wrong type with BAD_USER_INPUT (400 / 200 by Accept)', async () => {
    const query = 'query($n: Int) { products(first: $n) { totalCount } }';
    const res = await gql(query, { variables: { n: 'three' }, headers: { accept: GRAPHQL_RESPONSE } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(query, { variables: { n: 'three' }, headers: { accept: 'application/json' } })).status).toBe(200);
  });

  it('answers deeply nested JSON variables with 400 BAD_REQUEST, over POST and GET', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await post(`{"query":"query($v: [Int]) { products(first: 1) { totalCount } }","variables":{"v":${deep}}}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const get = new URL(inject('gatewayUrl'));
    get.searchParams.set('query', '{ __typename }');
    // Shorter in a URL (a long one gets 431 before the gateway sees it), still over the default 64 levels.
    get.searchParams.set('variables', `{"v":${'['.repeat(200)}${']'.repeat(200)}}`);
    const viaGet = await fetch(get, { headers: { 'apollo-require-preflight': 'true' } });
    expect(viaGet.status).toBe(400);
  });

  it('gives an APQ hash that does not match its query PERSISTED_QUERY_HASH_MISMATCH, not an internal error', async () => {
    const res = await post(JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a malformed id or a NUL byte in an argument with BAD_USER_INPUT, never the database message', async () => {
    const malformed = await gql('query($c: ID) { products(first: 1, categoryId: $c) { totalCount } }', { variables: { c: 'not-a-uuid' } });
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.body.errors?.[0]?.message).not.toMatch(/syntax|uuid|not-a-uuid/i);
    const nul = await gql('mutation($e: String!) { login(email: $e, password: "x") { accessToken } }', { variables: { e: 'a\u0000b@example.com' } });
    expect(nul.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(nul.body.errors?.[0]?.message).not.toMatch(/byte sequence|UTF8|0x00/i);
  });

  it('stays up after all of that', async () => {
    const health = await fetch(new URL('/healthz', inject('gatewayUrl')));
    expect(health.status).toBe(200);
    const res = await gql('{ products(first: 1) { totalCount } }');
    expect(res.body.data.products.totalCount).toBe(10_000);
  });
});
