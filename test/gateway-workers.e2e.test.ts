import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contract } from './support/client';
import { startGatewayProcess } from './support/gateway';

/** The live child processes of a process (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.split(') ')[1]!.split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function storefront(url: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: contract('storefront'), operationName: 'StorefrontHome', variables: { first: 3 } }) });
  return { status: res.status, body: (await res.json()) as { data?: { products: { edges: unknown[] } }; errors?: unknown[] } };
}

describe('GATEWAY_WORKERS: the gateway as several processes on one port', () => {
  it('two workers answer; one that dies is replaced while the other serves; SIGTERM stops them all', async () => {
    const gateway = await startGatewayProcess({ GATEWAY_WORKERS: '2' });
    try {
      let workers: number[] = [];
      for (let i = 0; i < 100 && workers.length < 2; i++) {
        workers = childrenOf(gateway.pid);
        if (workers.length < 2) await new Promise((r) => setTimeout(r, 100));
      }
      expect(workers).toHaveLength(2);
      const answers = await Promise.all(Array.from({ length: 6 }, () => storefront(gateway.url)));
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body.errors).toBeUndefined();
        expect(a.body.data!.products.edges).toHaveLength(3);
      }

      process.kill(workers[0]!, 'SIGKILL');
      // The other worker keeps the port open meanwhile.
      for (let i = 0; i < 5; i++) expect((await storefront(gateway.url)).status).toBe(200);
      let replaced: number[] = [];
      for (let i = 0; i < 300; i++) {
        replaced = childrenOf(gateway.pid).filter((pid) => !workers.includes(pid));
        if (replaced.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(replaced).toHaveLength(1);
      expect(childrenOf(gateway.pid)).toHaveLength(2);
    } finally {
      const all = childrenOf(gateway.pid);
      await gateway.stop();
      for (let i = 0; i < 50 && all.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      expect(all.filter(alive)).toEqual([]);
    }
  });
});
