import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../persisted';
import { SDK_OPERATIONS_FILE, renderSdkOperations } from './generate';

describe("the SDK's operation table", () => {
  it('is up to date with the manifest (run `pnpm persisted`): every operation by id, no query text', () => {
    const { manifest } = buildManifest();
    const text = readFileSync(SDK_OPERATIONS_FILE, 'utf8');
    expect(text).toBe(renderSdkOperations(manifest));
    for (const op of manifest.operations) expect(text).toContain(`${op.name}: { id: '${op.id}', type: '${op.type}' }`);
  });
});
