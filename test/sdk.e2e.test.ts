import { describe, expect, inject, it } from 'vitest';
import { CloudLab, CloudLabError } from '../clients/sdk/src';
import { main } from '../clients/sdk/example';

// The demo keys of gateway/api-keys.json (documented in the README; demo only).
const MOBILE_KEY = 'clk_demo_mobile_0000000000000000';

describe('the SDK (clients/sdk) against the stack, as a mobile app with a manifest-only key', () => {
  it('runs the example program: browses, signs in, reads the orders; admin-only reports are refused by code', async () => {
    const lines: string[] = [];
    const result = await main(inject('gatewayUrl'), MOBILE_KEY, (l) => lines.push(l));
    expect(result.products).toBe(3);
    expect(lines[3]).toBe(`${result.firstProduct} has ${lines[3]!.match(/has (\d+) available/)![1]} available`);
    expect(lines).toContain('platformStats is for admins: FORBIDDEN');
    expect(lines.some((l) => /^.+ has \d+ recent orders$/.test(l))).toBe(true);
  });

  it('sends only document ids: queries by GET (cacheable), mutations by POST, never a query text', async () => {
    const sent: { method: string; url: string; body?: string }[] = [];
    const api = new CloudLab({
      url: inject('gatewayUrl'),
      apiKey: MOBILE_KEY,
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        sent.push({ method: init?.method ?? 'GET', url: String(input), body: init?.body as string | undefined });
        return fetch(input, init);
      }) as typeof fetch,
    });
    const home = await api.request('StorefrontHome', { first: 2 });
    expect(home.products.edges).toHaveLength(2);
    await expect(api.request('Login', { email: 'customer@cloudlab.dev', password: 'wrong-password' })).rejects.toBeInstanceOf(CloudLabError);
    expect(sent.map((s) => s.method)).toEqual(['GET', 'POST']);
    expect(new URL(sent[0]!.url).searchParams.get('documentId')).toMatch(/^[0-9a-f]{64}$/);
    expect(new URL(sent[0]!.url).searchParams.has('query')).toBe(false);
    expect(JSON.parse(sent[1]!.body!)).not.toHaveProperty('query');
  });
});
