import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../persisted';
import { WEB_DOCUMENTS_FILE, renderWebDocuments } from './documents';

describe("the web app's documents", () => {
  it('are up to date with the manifest (run `pnpm persisted`), one per operation, by id only', () => {
    const { manifest } = buildManifest();
    const text = readFileSync(WEB_DOCUMENTS_FILE, 'utf8');
    expect(text).toBe(renderWebDocuments(manifest));
    for (const op of manifest.operations) expect(text).toContain(`'${op.name}', '${op.id}')`);
    // No query text reaches the bundle: the documents carry ids, never bodies.
    expect(text).not.toMatch(/\{\s*\w+\s*\{/);
  });
});
