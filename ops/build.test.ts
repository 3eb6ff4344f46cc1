import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileServices, ROOT } from './build';

// A tiny "service" under ops/ (so `zod` resolves from ops/node_modules, as a subgraph's packages do).
const dir = path.join(ROOT, 'ops', '.cache', `build-test-${process.pid}`);
const entry = path.join(dir, 'main.ts');
const helper = path.join(dir, 'lib', 'where.ts');
const write = (version: string) => {
  mkdirSync(path.dirname(helper), { recursive: true });
  writeFileSync(helper, `export const where = () => ({ dir: __dirname, zod: require.resolve('zod') });\n`);
  writeFileSync(entry, `import { z } from 'zod';\nimport { where } from './lib/where';\nconst n: number = z.number().parse(${version});\nconsole.log(JSON.stringify({ n, ...where() }));\n`);
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compileServices', () => {
  it('bundles the project code into one file that runs on plain Node, with npm packages outside and __dirname the source folder', async () => {
    write('1');
    const bundle = (await compileServices([entry])).get(entry)!;
    const out = JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' }));
    expect(out.n).toBe(1);
    expect(out.dir).toBe(path.dirname(helper)); // not .build/
    expect(out.zod).toContain(`${path.sep}node_modules${path.sep}`);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('lib/where.ts'); // the helper is inside the bundle…
    expect(code).toMatch(/require\("[^"]*node_modules[^"]*zod[^"]*"\)/); // …zod is required from its package
    expect(code.length).toBeLessThan(20_000); // (zod itself would be ~100 kB)
  });

  it('reuses an up-to-date bundle and rebuilds when an input changes', async () => {
    write('2');
    const bundle = (await compileServices([entry])).get(entry)!;
    const built = statSync(bundle).mtimeMs;
    await compileServices([entry]);
    expect(statSync(bundle).mtimeMs).toBe(built);
    writeFileSync(helper, `export const where = () => ({ dir: 'changed', zod: '' });\n`);
    await compileServices([entry]);
    expect(JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })).dir).toBe('changed');
  });
});
