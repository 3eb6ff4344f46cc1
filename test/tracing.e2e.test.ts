import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { contract, gql } from './support/client';

describe('distributed tracing', () => {
  it('follows one request from the gateway into the subgraphs and down to their SQL', async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await gql(contract('storefront'), {
      operationName: 'StorefrontHome',
      variables: { first: 3 },
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(res.body.errors).toBeUndefined();

    let spans: { service: string; name: string; attributes: Record<string, unknown> }[] = [];
    for (let i = 0; i < 50; i++) {
      spans = (await (await fetch(`${inject('collectorUrl')}/spans?traceId=${traceId}`)).json()) as typeof spans;
      const services = new Set(spans.map((s) => s.service));
      if (['gateway', 'catalog', 'inventory', 'reviews', 'accounts'].every((s) => services.has(s))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const services = new Set(spans.map((s) => s.service));
    expect([...services].sort()).toEqual(['accounts', 'catalog', 'gateway', 'inventory', 'reviews']);
    const sql = spans.filter((s) => s.service === 'catalog' && typeof s.attributes['db.statement'] === 'string');
    expect(sql.some((s) => String(s.attributes['db.statement']).includes('FROM products'))).toBe(true);
  });
});
