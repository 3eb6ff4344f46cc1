import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, PUBLIC_SCHEMA_FILE, buildManifest, serializeManifest } from './persisted';

const checkedIn = () => readFileSync(MANIFEST_FILE, 'utf8');

describe('the persisted-query manifest', () => {
  it('is up to date with clients/operations (run `pnpm persisted` after changing them)', () => {
    expect(checkedIn()).toBe(serializeManifest(buildManifest().manifest));
  });

  it('lists only operations that are valid against the public schema, each under the sha256 of its body', () => {
    const schema = buildSchema(readFileSync(PUBLIC_SCHEMA_FILE, 'utf8'));
    const manifest = JSON.parse(checkedIn());
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    for (const op of manifest.operations) {
      expect(validate(schema, parse(op.body)).map((e) => e.message), op.name).toEqual([]);
      expect(op.id).toBe(createHash('sha256').update(op.body).digest('hex'));
    }
  });

  it('leaves out only operations the schema has no root type for yet', () => {
    const { manifest, pending } = buildManifest();
    expect(manifest.operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Login', 'Me', 'StorefrontHome', 'ProductPage', 'Restock', 'PlaceOrder', 'MyOrders']),
    );
    for (const p of pending) expect(p.type, p.name).toBe('subscription');
  });

  it('refuses an operation that does not validate', () => {
    const schema = buildSchema('type Query { a: Int }');
    expect(() => buildManifest(schema)).toThrow(/not valid against the public schema/);
  });
});
