import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PRIVATE_FIELDS, selectsAny } from './cache-policy';

const schema = buildSchema(`
  type Query { me: User, products: [Product!]! }
  type User { id: ID!, name: String!, email: String }
  type Product { id: ID!, author: User }
`);
const privateFields = new Set(PRIVATE_FIELDS);

describe('which operations are the same for everyone', () => {
  it('a catalog query with public user fields is shared', () => {
    expect(selectsAny(schema, parse('{ products { id author { id name } } }'), privateFields)).toBe(false);
  });

  it('a private root field or a private field anywhere, also in a fragment, is not', () => {
    expect(selectsAny(schema, parse('{ me { id } }'), privateFields)).toBe(true);
    expect(selectsAny(schema, parse('{ products { author { ...U } } } fragment U on User { email }'), privateFields)).toBe(true);
  });
});
