import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll } from './codegen';

describe('generated types (pnpm codegen)', () => {
  it('are committed and current: the generator, run in memory, writes exactly the files in the tree', async () => {
    const files = await generateAll();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const where = path.relative(path.join(__dirname, '..'), file.filename);
      expect(existsSync(file.filename), `${where} is missing: run pnpm codegen`).toBe(true);
      expect(readFileSync(file.filename, 'utf8'), `${where} is stale: run pnpm codegen`).toBe(file.content);
    }
  }, 60_000);
});
