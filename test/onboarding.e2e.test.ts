import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';

const accounts = contract('accounts');
const marketplace = contract('marketplace');
const PASSWORD = 'correct horse battery';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
const newEmail = () => `newcomer-${randomUUID().slice(0, 8)}@example.com`;

async function signUp(input: { email: string; password: string; name: string }) {
  return gql(marketplace, { operationName: 'SignUp', variables: { input } });
}

async function newCustomer(name = 'Nia Newcomer') {
  const res = await signUp({ email: newEmail(), password: PASSWORD, name });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.signUp as { accessToken: string; user: { id: string; name: string; role: string } };
}

describe('a newcomer signs up', () => {
  it('is signed in at once, and can sign in again later with the new password', async () => {
    const email = newEmail();
    const res = await signUp({ email, password: PASSWORD, name: 'Nia Newcomer' });
    expect(res.body.errors).toBeUndefined();
    const { accessToken, user } = res.body.data.signUp;
    expect(user).toMatchObject({ name: 'Nia Newcomer', role: 'CUSTOMER' });

    const me = await gql(accounts, { operationName: 'Me', token: accessToken });
    expect(me.body.data.me).toEqual({ id: user.id, email, name: 'Nia Newcomer', role: 'CUSTOMER' });

    const again = await gql(accounts, { operationName: 'Login', variables: { email: email.toUpperCase(), password: PASSWORD } });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.login.user.id).toBe(user.id);
  });

  it('cannot take an email that is already registered, in any letter case', async () => {
    const res = await signUp({ email: 'Customer@CloudLab.dev', password: PASSWORD, name: 'Impostor' });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    // The demo customer's own password still works: nothing was overwritten.
    await expect(login('customer@cloudlab.dev')).resolves.toBeTruthy();
  });

  it('is told which field is wrong when the password is too short or is the email', async () => {
    const short = await signUp({ email: newEmail(), password: 'short', name: 'Sam' });
    expect(short.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(short.body.errors?.[0]?.message).toMatch(/at least 10/);
    const email = newEmail();
    const same = await signUp({ email, password: email, name: 'Sam' });
    expect(same.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    // Neither attempt created the account: the address is still free.
    const later = await signUp({ email, password: PASSWORD, name: 'Sam' });
    expect(later.body.errors).toBeUndefined();
  });

  it('lets a generated demo customer sign in with the documented demo password', async () => {
    // Admins see review authors' email addresses: the generated customers who wrote them.
    const admin = await login('admin@cloudlab.dev');
    const res = await gql('{ products(first: 20) { edges { node { reviews(first: 5) { edges { node { author { id email } } } } } } } }', { token: admin });
    // Other stories on the shared stack review these products too, as customers who signed up.
    const authors = res.body.data.products.edges.flatMap((e: any) => e.node.reviews.edges.map((r: any) => r.node.author));
    const author = authors.find((a: any) => /@customers\.cloudlab\.dev$/.test(a.email));
    expect(author, 'a generated customer among the review authors').toBeDefined();
    const me = await gql(accounts, { operationName: 'Me', token: await login(author.email, 'cloudlab-demo') });
    expect(me.body.data.me).toMatchObject({ id: author.id, role: 'CUSTOMER' });
  });
});

describe('an admin opens a vendor', () => {
  it('and a new user joins it with the invitation code, becoming its staff with a fresh token', async () => {
    const admin = await login('admin@cloudlab.dev');
    const name = `Fjord Goods ${randomUUID().slice(0, 4)}`;
    const created = await gql(marketplace, { operationName: 'CreateVendor', token: admin, variables: { name } });
    expect(created.body.errors).toBeUndefined();
    const { vendor, invitationCode } = created.body.data.createVendor;
    expect(vendor).toMatchObject({ name, slug: name.toLowerCase().replace(/ /g, '-') });
    expect(invitationCode.length).toBeGreaterThanOrEqual(32);

    const newcomer = await newCustomer('Vera Vendorstaff');
    const joined = await gql(marketplace, { operationName: 'JoinVendor', token: newcomer.accessToken, variables: { invitationCode } });
    expect(joined.body.errors).toBeUndefined();
    const { accessToken, user } = joined.body.data.joinVendor;
    expect(user).toEqual({ id: newcomer.user.id, role: 'VENDOR', vendor: { id: vendor.id } });
    expect(claimsOf(accessToken)).toMatchObject({ sub: newcomer.user.id, role: 'VENDOR', vendorId: vendor.id });
    const me = await gql('{ me { role vendor { id name } } }', { token: accessToken });
    expect(me.body.data.me).toEqual({ role: 'VENDOR', vendor: { id: vendor.id, name } });

    // The code was for one person: nobody can use it again.
    const other = await newCustomer('Otto Other');
    const reused = await gql(marketplace, { operationName: 'JoinVendor', token: other.accessToken, variables: { invitationCode } });
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invitationCode' });
    const stillCustomer = await gql('{ me { role vendor { id } } }', { token: other.accessToken });
    expect(stillCustomer.body.data.me).toEqual({ role: 'CUSTOMER', vendor: null });
  });

  it('gives two vendors with the same name different slugs', async () => {
    const admin = await login('admin@cloudlab.dev');
    const name = `Twin Shop ${randomUUID().slice(0, 4)}`;
    const create = () => gql(marketplace, { operationName: 'CreateVendor', token: admin, variables: { name } });
    const [a, b] = [(await create()).body.data.createVendor.vendor, (await create()).body.data.createVendor.vendor];
    expect(a.id).not.toBe(b.id);
    expect(a.slug).not.toBe(b.slug);
  });

  it('is for admins only, and a made-up code opens nothing', async () => {
    const customer = await newCustomer();
    const refused = await gql(marketplace, { operationName: 'CreateVendor', token: customer.accessToken, variables: { name: 'My Own Shop' } });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.data).toBeNull();
    const anonymous = await gql(marketplace, { operationName: 'CreateVendor', variables: { name: 'My Own Shop' } });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const guessed = await gql(marketplace, {
      operationName: 'JoinVendor',
      token: customer.accessToken,
      variables: { invitationCode: 'A'.repeat(32) },
    });
    expect(guessed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invitationCode' });
  });
});
