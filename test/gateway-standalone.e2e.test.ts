import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from './support/ports';

const ROOT = path.join(__dirname, '..');
const supergraph = readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');

/** The supergraph with each subgraph URL replaced by where the test stack runs it. */
function pointedAt(urls: Record<string, string>, brokenCatalog = false) {
  let sdl = supergraph;
  for (const [name, url] of Object.entries(urls)) {
    const target = brokenCatalog && name === 'catalog' ? 'http://127.0.0.1:9/graphql' : url;
    sdl = sdl.replace(new RegExp(`(name: "${name}", url: ")[^"]+"`), `$1${target}"`);
  }
  return sdl;
}

describe('the gateway as a standalone program', () => {
  let child: ChildProcess;
  let url: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-gw-'));
  const file = path.join(dir, 'supergraph.graphql');

  beforeAll(async () => {
    writeFileSync(file, pointedAt(inject('subgraphUrls'), true));
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    // No Cloud Lab settings but the secret the subgraphs require of their caller: only the file and the port.
    child = spawn(process.execPath, [path.join(ROOT, 'gateway', 'bin', 'gateway.js'), '--supergraph', file, '--port', String(port)], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', SUBGRAPH_TIMEOUT_MS: '2000', INTERNAL_SECRET: inject('internalSecret') },
      stdio: 'ignore',
    });
    for (let i = 0; i < 300; i++) {
      if (await fetch(new URL('/healthz', url)).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('standalone gateway did not start');
  });

  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const total = async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ products(first: 1) { totalCount } }"}' });
    return (await res.json()) as { data?: { products?: { totalCount: number } } | null; errors?: { message: string }[] };
  };

  it('serves the subgraphs named in the file', async () => {
    const res = await total();
    expect(res.errors?.[0]?.message).toMatch(/Subgraph "catalog" is unavailable/); // the file points catalog nowhere
  });

  it('reloads the supergraph when the file changes, without a restart', async () => {
    writeFileSync(file, pointedAt(inject('subgraphUrls')));
    let res = await total();
    for (let i = 0; i < 50 && res.errors; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await total();
    }
    expect(res.errors).toBeUndefined();
    expect(res.data?.products?.totalCount).toBe(10_000);
    expect(child.exitCode).toBeNull();
  });
});
