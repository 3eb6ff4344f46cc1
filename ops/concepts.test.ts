/**
 * docs/concepts.md: a row for every concept of the seed's table, and every file it names exists
 * (code and tests), so the map cannot point at code that moved or a test that was deleted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');
const text = readFileSync(path.join(ROOT, 'docs', 'concepts.md'), 'utf8');
const rows = text
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| concept') && !l.startsWith('|---'))
  .map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '')) as [string, string, string]);

/** The seed's table (shared design notes, "Origin"), plus what issue 19 added. */
const SEED = [
  'microservices behind an API gateway',
  'CAP per domain',
  'horizontal scaling',
  'fault tolerance',
  'replication',
  'sharding',
  'consensus',
  'message passing',
  'saga with compensation',
  'event sourcing',
  'CQRS',
  'caching',
  'observability',
  'security',
  'deployment',
  'multi-region',
];

const paths = (cell: string) =>
  [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((p) => /^(kit|gateway|subgraphs|ops|schema|clients|test|docs)\/|^Dockerfile$/.test(p) && !p.includes('*') && !p.includes('<'));

describe('docs/concepts.md', () => {
  it('has a row for every concept of the seed', () => {
    for (const concept of SEED) expect(rows.some(([c]) => c.startsWith(concept)), concept).toBe(true);
  });

  it('every row names code and at least one test, and every file it names exists', () => {
    for (const [concept, where, shownBy] of rows) {
      expect(paths(where).length, `${concept}: code`).toBeGreaterThan(0);
      const tests = paths(shownBy);
      expect(tests.some((t) => /\.test\.(ts|yaml)$/.test(t)), `${concept}: a test`).toBe(true);
      for (const p of [...paths(where), ...tests]) expect(existsSync(path.join(ROOT, p)), `${concept}: ${p}`).toBe(true);
    }
  });
});
