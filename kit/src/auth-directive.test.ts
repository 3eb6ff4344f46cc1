import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AUTH_DIRECTIVE_SDL, enforceAuthDirective } from './auth-directive';

const schema = () =>
  enforceAuthDirective(
    buildSchema(`${AUTH_DIRECTIVE_SDL}
      type Query {
        open: String
        signedIn: String @auth
        staff: String @auth(requires: ["VENDOR", "ADMIN"])
      }`),
  );
const rootValue = { open: 'o', signedIn: 's', staff: 'v' };
const run = (source: string, viewer: unknown) => graphql({ schema: schema(), source, rootValue, contextValue: { viewer } });
const codes = (r: Awaited<ReturnType<typeof run>>) => r.errors?.map((e) => e.extensions.code);

describe('@auth', () => {
  it('leaves unmarked fields open', async () => {
    expect((await run('{ open }', null)).data).toEqual({ open: 'o' });
  });

  it('answers UNAUTHENTICATED to anonymous callers of a marked field', async () => {
    expect(codes(await run('{ signedIn }', null))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers FORBIDDEN to a signed-in caller without a listed role, and lets listed roles through', async () => {
    expect(codes(await run('{ staff }', { userId: 'u', role: 'CUSTOMER', vendorId: null }))).toEqual(['FORBIDDEN']);
    expect((await run('{ staff signedIn }', { userId: 'u', role: 'VENDOR', vendorId: 'v' })).data).toEqual({ staff: 'v', signedIn: 's' });
  });

  it('refuses a schema that names a role that does not exist', () => {
    expect(() => enforceAuthDirective(buildSchema(`${AUTH_DIRECTIVE_SDL} type Query { x: String @auth(requires: ["ROOT"]) }`))).toThrow(/unknown role "ROOT"/);
  });
});
