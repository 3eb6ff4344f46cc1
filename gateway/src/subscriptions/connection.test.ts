import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import { contextFactory, type GatewayContext } from '../context';
import { FIRST_PARTY_WEB } from '../plugins/api-keys';
import { authenticate } from './connection';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Shaped like a user token; the (fake) context builder below decides whether it verifies. */
const token = (exp: number) => `${b64({ alg: 'ES256' })}.${b64({ sub: 'u1', exp })}.sig`;
const viewer = { userId: 'u1', role: 'CUSTOMER' as const, vendorId: null };

function socket() {
  return { close: vi.fn() };
}
const request = { headers: { 'x-forwarded-for': '10.0.0.1' } } as unknown as IncomingMessage;
const deps = (context: (h: Record<string, unknown>) => Promise<GatewayContext>) => ({ context, log: createLogger('test', 'silent') });

afterEach(() => vi.useRealTimers());

describe('authenticating a graphql-ws connection', () => {
  it('runs the HTTP context builder with the token from connectionParams', async () => {
    const seen: Record<string, unknown>[] = [];
    const ws = socket();
    const state = await authenticate({ authorization: `Bearer ${token(Date.now() / 1000 + 3600)}` }, request, ws as never, deps(async (h) => (seen.push(h), { viewer, client: FIRST_PARTY_WEB })));
    expect(state && state.viewer).toEqual(viewer);
    expect(seen[0]).toMatchObject({ authorization: expect.stringMatching(/^Bearer /), 'x-forwarded-for': '10.0.0.1' });
    expect(ws.close).not.toHaveBeenCalled();
    clearTimeout(state ? state.expiry : undefined);
  });

  it('closes with 4403 and the reason when the token does not verify', async () => {
    const ws = socket();
    const state = await authenticate({ authorization: 'Bearer nope' }, request, ws as never, deps(async () => {
      throw new GraphQLError('Token expired', { extensions: { code: 'UNAUTHENTICATED' } });
    }));
    expect(state).toBe(false);
    expect(ws.close).toHaveBeenCalledWith(4403, 'Forbidden: Token expired');
  });

  it('closes with 4403 when the token expires while the connection is open', async () => {
    vi.useFakeTimers();
    const ws = socket();
    const state = await authenticate({ authorization: `Bearer ${token(Math.floor(Date.now() / 1000) + 60)}` }, request, ws as never, deps(async () => ({ viewer, client: FIRST_PARTY_WEB })));
    expect(state).not.toBe(false);
    vi.advanceTimersByTime(59_000);
    expect(ws.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(ws.close).toHaveBeenCalledWith(4403, 'Forbidden: Token expired');
  });

  it('lets a connection without a token in as anonymous, with no expiry', async () => {
    const ws = socket();
    const state = await authenticate(undefined, request, ws as never, deps(async (h) => ({ viewer: h.authorization ? viewer : null, client: FIRST_PARTY_WEB })));
    expect(state && state.viewer).toBeNull();
    expect(state && state.expiry).toBeUndefined();
  });

  it('sends a freshly signed subgraph identity once the previous one is half-way to expiry (a socket lives for hours)', async () => {
    vi.useFakeTimers();
    const context = contextFactory({ verifier: async () => viewer, secret: 'x'.repeat(32) });
    const state = await authenticate(undefined, request, socket() as never, deps(async (h) => context(h as never)));
    const ctx = (state as Exclude<typeof state, false>).context;
    const first = await ctx.identityToken!();
    expect(await ctx.identityToken!()).toBe(first);
    vi.advanceTimersByTime(31_000);
    expect(await ctx.identityToken!()).not.toBe(first);
  });
});
