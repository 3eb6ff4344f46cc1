import { describe, expect, it } from 'vitest';
import { GATEWAY_AUTH_HEADER, GATEWAY_AUTH_MAX_AGE_SECONDS, gatewayAuthHeaders, isGatewayCredential } from './gateway-auth';

const secret = 'a'.repeat(32);
const other = 'b'.repeat(32);
const t0 = 1_800_000_000_000;

describe('the gateway credential subgraphs require', () => {
  it('is accepted with the same secret while fresh', () => {
    const value = gatewayAuthHeaders(secret, t0)[GATEWAY_AUTH_HEADER];
    expect(isGatewayCredential(value, secret, t0)).toBe(true);
    expect(isGatewayCredential(value, secret, t0 + GATEWAY_AUTH_MAX_AGE_SECONDS * 1000)).toBe(true);
  });

  it('is refused with another secret, once stale, or when forged', () => {
    const value = gatewayAuthHeaders(secret, t0)[GATEWAY_AUTH_HEADER]!;
    expect(isGatewayCredential(value, other, t0)).toBe(false);
    expect(isGatewayCredential(value, secret, t0 + (GATEWAY_AUTH_MAX_AGE_SECONDS + 1) * 1000)).toBe(false);
    const [seconds, sig] = value.split('.');
    expect(isGatewayCredential(`${Number(seconds) + 1}.${sig}`, secret, t0)).toBe(false);
    for (const junk of [undefined, '', '.', 'abc', `${seconds}.`, secret, `${seconds}.${secret}`]) {
      expect(isGatewayCredential(junk, secret, t0)).toBe(false);
    }
  });

  it('never contains the secret, and is re-signed as time passes', () => {
    const first = gatewayAuthHeaders(secret, t0)[GATEWAY_AUTH_HEADER]!;
    expect(first).not.toContain(secret);
    expect(gatewayAuthHeaders(secret, t0 + 1000)[GATEWAY_AUTH_HEADER]).toBe(first); // reused within 30 s
    expect(gatewayAuthHeaders(secret, t0 + 60_000)[GATEWAY_AUTH_HEADER]).not.toBe(first);
  });

  it('is absent without a secret', () => {
    expect(gatewayAuthHeaders(undefined)).toEqual({});
  });
});
