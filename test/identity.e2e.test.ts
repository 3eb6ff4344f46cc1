import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { contract, gql, login } from './support/client';

const ME = contract('accounts');

/** A token with the shape accounts issues, signed with a key the gateway does not trust. */
async function foreignToken(claims: Record<string, unknown>, expiresIn = '1h') {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ role: 'ADMIN', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'attacker' })
    .setSubject(String(claims.sub ?? 'someone'))
    .setIssuer('cloudlab-accounts')
    .setAudience('cloudlab')
    .setExpirationTime(expiresIn)
    .sign(privateKey);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('identity at the gateway', () => {
  it('ignores identity headers a client sends itself', async () => {
    const customer = decodeJwt(await login('customer@cloudlab.dev'));
    const forgeries: Record<string, string>[] = [
      { 'x-cloudlab-identity': `${b64({ alg: 'none' })}.${b64({ sub: customer.sub, role: 'ADMIN' })}.` },
      { 'x-cloudlab-identity': 'garbage' },
      { 'x-user-id': String(customer.sub), 'x-role': 'ADMIN' },
    ];
    for (const forged of forgeries) {
      const res = await gql(ME, { operationName: 'Me', headers: forged });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.data?.me ?? null).toBeNull();
    }
  });

  it('refuses an expired token, an alg:none token and a token signed by a stranger with 401', async () => {
    const real = decodeJwt(await login('admin@cloudlab.dev'));
    const tokens = {
      expired: await foreignToken({ sub: real.sub }, '-10s'),
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...real, exp: Math.floor(Date.now() / 1000) + 3600 })}.`,
      stranger: await foreignToken({ sub: real.sub }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await gql(ME, { operationName: 'Me', token });
      expect(res.status, name).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
  });

  it('serves no private data to a caller who reaches a subgraph directly, without the gateway', async () => {
    const token = await login('customer@cloudlab.dev');
    const accounts = inject('subgraphUrls').accounts!;
    const res = await fetch(accounts, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id email } }' }),
    });
    const body = (await res.json()) as { data?: { me: unknown }; errors?: { extensions?: { code?: string } }[] };
    expect(body.data?.me ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
