import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { identitySigner, signIdentity, verifyIdentity } from './identity';

const secret = 'a'.repeat(32);
const viewer = { userId: 'u1', role: 'VENDOR' as const, vendorId: 'v1' };

describe('gateway → subgraph identity', () => {
  it('round-trips the viewer the gateway signed', async () => {
    expect(await verifyIdentity(await signIdentity(viewer, secret), secret)).toEqual(viewer);
  });

  it('treats a header signed with another secret, or no header, as anonymous', async () => {
    expect(await verifyIdentity(await signIdentity(viewer, 'b'.repeat(32)), secret)).toBeNull();
    expect(await verifyIdentity(undefined, secret)).toBeNull();
    expect(await verifyIdentity('{"userId":"u1","role":"ADMIN"}', secret)).toBeNull();
  });

  it('refuses an expired identity and alg none', async () => {
    const expired = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('cloudlab-gateway')
      .setAudience('cloudlab-subgraphs')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret));
    expect(await verifyIdentity(expired, secret)).toBeNull();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u1","role":"ADMIN","iss":"cloudlab-gateway","aud":"cloudlab-subgraphs"}').toString('base64url')}.`;
    expect(await verifyIdentity(none, secret)).toBeNull();
  });
});

describe('identitySigner', () => {
  afterEach(() => vi.useRealTimers());

  it('signs once per viewer per 30 s, and what it signs verifies', async () => {
    vi.useFakeTimers({ now: Date.now() });
    const sign = identitySigner(secret);
    const first = await sign(viewer);
    expect(await sign({ ...viewer })).toBe(first);
    expect(await sign({ ...viewer, role: 'ADMIN' })).not.toBe(first);
    expect(await verifyIdentity(first, secret)).toEqual(viewer);
    vi.advanceTimersByTime(30_000);
    const second = sign(viewer);
    expect(await second).toBeTypeOf('string');
    expect(sign(viewer)).toBe(second);
  });
});
