import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const here = path.join(__dirname, 'operations');
const publicSchema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema', 'public.graphql'), 'utf8'));
const sharedContract = path.join(__dirname, '..', '..', 'shared', 'contract');
const hasSharedContract = existsSync(sharedContract);

describe('first-party operations', () => {
  it.each(['storefront', 'accounts', 'live', 'commerce'])('%s.graphql is valid against the public schema', (name) => {
    const errors = validate(publicSchema, parse(readFileSync(path.join(here, `${name}.graphql`), 'utf8')));
    expect(errors.map((e: Error) => e.message)).toEqual([]);
  });
});

// Outside the team checkout there is no shared/ folder: the comparison shows as skipped, by name.
describe.skipIf(!hasSharedContract)(`the public contract (skipped: ${sharedContract} is missing)`, () => {
  it('every contract file is in clients/operations word for word', () => {
    const files = readdirSync(sharedContract).filter((f) => f.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(existsSync(path.join(here, file)), `${file} is missing from clients/operations`).toBe(true);
      expect(readFileSync(path.join(here, file), 'utf8'), file).toBe(readFileSync(path.join(sharedContract, file), 'utf8'));
    }
  });
});
