import { describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';

const accounts = contract('accounts');

describe('signing in', () => {
  it('logs in with a demo login and `me` returns that user', async () => {
    const res = await gql(accounts, {
      operationName: 'Login',
      variables: { email: 'customer@cloudlab.dev', password: 'cloudlab-demo' },
    });
    expect(res.body.errors).toBeUndefined();
    const { accessToken, user } = res.body.data.login;
    expect(accessToken.split('.')).toHaveLength(3);
    expect(user).toMatchObject({ name: 'Casey Customer', role: 'CUSTOMER' });

    const me = await gql(accounts, { operationName: 'Me', token: accessToken });
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data.me).toEqual({ id: user.id, email: 'customer@cloudlab.dev', name: 'Casey Customer', role: 'CUSTOMER' });
  });

  it('tells vendor staff which vendor they work for', async () => {
    const token = await login('vendor@cloudlab.dev');
    const res = await gql('{ me { role vendor { id name } } }', { token });
    expect(res.body.data.me.role).toBe('VENDOR');
    expect(res.body.data.me.vendor.name).toBeTruthy();
  });

  it('refuses a wrong password with UNAUTHENTICATED and no token', async () => {
    const res = await gql(accounts, {
      operationName: 'Login',
      variables: { email: 'admin@cloudlab.dev', password: 'guess' },
    });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeNull();
  });

  it('answers `me` without a token with UNAUTHENTICATED', async () => {
    const res = await gql(accounts, { operationName: 'Me' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data?.me ?? null).toBeNull();
  });

  it('answers a token that does not verify with HTTP 401 UNAUTHENTICATED', async () => {
    const token = await login('customer@cloudlab.dev');
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'ADMIN' })).toString('base64url')}.${s}`;
    const res = await gql(accounts, { operationName: 'Me', token: tampered });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('hides other users\' email addresses', async () => {
    const token = await login('customer@cloudlab.dev');
    const res = await gql('{ products(first: 3) { edges { node { reviews(first: 3) { edges { node { author { id email } } } } } } } }', { token });
    const authors = res.body.data.products.edges.flatMap((e: any) => e.node.reviews.edges.map((r: any) => r.node.author));
    expect(authors.length).toBeGreaterThan(0);
    for (const a of authors) expect(a.email).toBeNull();
  });
});
