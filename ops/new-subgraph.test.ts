import { mkdtempSync, mkdirSync, readFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaffoldSubgraph } from './new-subgraph';
import { ROOT } from './stack';

/** A scratch checkout holding only what the scaffold edits. */
function scratch(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'new-subgraph-'));
  mkdirSync(path.join(root, 'kit', 'src'), { recursive: true });
  copyFileSync(path.join(ROOT, 'kit', 'src', 'topology.ts'), path.join(root, 'kit', 'src', 'topology.ts'));
  return root;
}

describe('pnpm new-subgraph', () => {
  it('writes the standard shape and registers the subgraph in the topology with the next port', () => {
    const root = scratch();
    const written = scaffoldSubgraph('probe', { readModel: true, root });
    for (const file of ['package.json', 'src/schema.graphql', 'src/resolvers.ts', 'src/store.ts', 'src/events.ts', 'src/server.ts', 'src/loaders.ts', 'src/resolvers.test.ts', 'read-model/001_probe.sql']) {
      expect(existsSync(path.join(root, 'subgraphs', 'probe', file)), file).toBe(true);
    }
    expect(written).toContain('kit/src/topology.ts');
    const server = readFileSync(path.join(root, 'subgraphs', 'probe', 'src', 'server.ts'), 'utf8');
    expect(server).toContain("name: 'probe'");
    expect(server).toContain('readModel: readModelFiles(__dirname)');
    expect(readFileSync(path.join(root, 'subgraphs', 'probe', 'src', 'schema.graphql'), 'utf8')).not.toMatch(/__\w+__/);
    expect(readFileSync(path.join(root, 'kit', 'src', 'topology.ts'), 'utf8')).toMatch(/\{ name: 'probe', port: \d+ \},\n\] as const;/);
  });

  it('refuses a taken or malformed name', () => {
    const root = scratch();
    expect(() => scaffoldSubgraph('orders', { readModel: false, root })).toThrow(/exists already/);
    expect(() => scaffoldSubgraph('Bad-Name', { readModel: false, root })).toThrow(/lower-case/);
  });
});
