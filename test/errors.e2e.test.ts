import { inject, describe, expect, it } from 'vitest';
import { gql } from './support/client';

const post = (body: string, contentType = 'application/json') =>
  fetch(inject('gatewayUrl'), { method: 'POST', headers: { 'content-type': contentType }, body });

describe('bad requests', () => {
  it('answers malformed JSON with 400 and a clear error', async () => {
    const res = await post('{"query": "{ products { totalCount } }"');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/malformed json/i), extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await gql('{ products(first: 3) { totalCount ');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED naming the field', async () => {
    const res = await gql('{ products(first: 3) { totalCount colour } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/colour/);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('stays up after all of that', async () => {
    const health = await fetch(new URL('/healthz', inject('gatewayUrl')));
    expect(health.status).toBe(200);
    const res = await gql('{ products(first: 1) { totalCount } }');
    expect(res.body.data.products.totalCount).toBe(10_000);
  });
});
