import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SCHEMA_FILE, SUPERGRAPH_FILE, compose } from './compose';

describe('the checked-in supergraph', () => {
  it('composes without errors and matches the subgraph schemas (run `pnpm compose` if not)', () => {
    const { supergraph, publicSchema } = compose();
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(supergraph);
    expect(readFileSync(PUBLIC_SCHEMA_FILE, 'utf8')).toBe(publicSchema);
  });
});
