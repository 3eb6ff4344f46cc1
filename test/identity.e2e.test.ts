import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { demoId, gatewayAuthHeaders } from '@cloudlab/kit';
import { contract, gql, login } from './support/client';
import { liveClient } from './support/live';

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

describe('only the gateway may call a subgraph', () => {
  const admin = demoId('user', 'admin');
  const entities = JSON.stringify({
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { name role } } }',
    variables: { r: [{ __typename: 'User', id: admin }] },
  });
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: entities });

  it('refuses an anonymous direct call (e.g. _entities(User) for names and roles) with 401 on every subgraph', async () => {
    for (const [name, url] of Object.entries(inject('subgraphUrls'))) {
      const res = await post(url);
      expect(res.status, name).toBe(401);
      const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      expect(body.data, name).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
    // A forged or stale credential is no better than none.
    const accounts = inject('subgraphUrls').accounts!;
    const stale = gatewayAuthHeaders(inject('internalSecret'), Date.now() - 3_600_000);
    for (const headers of [{ 'x-cloudlab-gateway': `${Math.floor(Date.now() / 1000)}.forged` }, stale, gatewayAuthHeaders('x'.repeat(32))]) {
      expect((await post(accounts, headers)).status).toBe(401);
    }
  });

  it('answers the gateway credential, and keeps health probes and the JWKS public', async () => {
    const accounts = inject('subgraphUrls').accounts!;
    const res = await post(accounts, gatewayAuthHeaders(inject('internalSecret')));
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data._entities[0]).toEqual({ name: 'Ada Admin', role: 'ADMIN' });
    for (const path of ['/healthz', '/readyz', '/.well-known/jwks.json']) expect((await fetch(new URL(path, accounts))).status, path).toBe(200);
  });

  it('refuses a graphql-ws connection to a subgraph without the credential', async () => {
    const direct = liveClient({ url: inject('subgraphUrls').inventory! });
    const stream = direct.subscribe('{ warehouses { id } }');
    await stream.end();
    expect(stream.messages).toEqual([]);
    expect(direct.closes[0]?.code).toBe(4403);
    const trusted = liveClient({ url: inject('subgraphUrls').inventory!, params: gatewayAuthHeaders(inject('internalSecret')) });
    const ok = trusted.subscribe('{ warehouses { id } }');
    await ok.end();
    expect(ok.messages[0]?.data?.warehouses?.length).toBeGreaterThan(0);
    await trusted.close();
  });
});
