import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const here = path.join(__dirname, 'operations');
const publicSchema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema', 'public.graphql'), 'utf8'));
const sharedContract = path.join(__dirname, '..', '..', 'shared', 'contract');

describe('first-party operations', () => {
  it.each(['storefront', 'accounts', 'live'])('%s.graphql is valid against the public schema', (name) => {
    const errors = validate(publicSchema, parse(readFileSync(path.join(here, `${name}.graphql`), 'utf8')));
    expect(errors.map((e: Error) => e.message)).toEqual([]);
  });

  it('are the public contract, word for word', () => {
    let files: string[];
    try {
      files = readdirSync(sharedContract);
    } catch {
      return; // outside the team checkout there is no shared/ folder to compare with
    }
    for (const file of files) {
      expect(readFileSync(path.join(here, file), 'utf8'), file).toBe(readFileSync(path.join(sharedContract, file), 'utf8'));
    }
  });
});
