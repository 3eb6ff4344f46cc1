import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { contract } from './support/client';
import { startGatewayProcess } from './support/gateway';
import { alive, childrenOf } from './support/processes';

/**
 * StorefrontHome on a new connection each time: a worker's open keep-alive connections die with
 * it (clients see a reset and reconnect), and node:cluster gives each new connection to a live one.
 */
function storefront(url: string): Promise<{ status: number; body: { data?: { products: { edges: unknown[] } }; errors?: unknown[] } }> {
  const payload = JSON.stringify({ query: contract('storefront'), operationName: 'StorefrontHome', variables: { first: 3 } });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(payload);
  });
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
      // A worker process exists before it listens: wait until both say they are ready, or killing
      // the first could leave nobody on the port.
      const ready = () => gateway.output.filter((line) => line.includes('gateway ready')).length;
      for (let i = 0; i < 300 && ready() < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(ready()).toBe(2);
      const answers = await Promise.all(Array.from({ length: 6 }, () => storefront(gateway.url)));
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body.errors).toBeUndefined();
        expect(a.body.data!.products.edges).toHaveLength(3);
      }

      process.kill(workers[0]!, 'SIGKILL');
      // Once the supervisor has seen it go (reaped it), the other worker takes every new connection
      // while the replacement starts. Connections the dead worker held are reset, and node:cluster
      // can lose the few it hands over in the moment before it notices (clients retry those).
      for (let i = 0; i < 100 && alive(workers[0]!); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive(workers[0]!)).toBe(false);
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
