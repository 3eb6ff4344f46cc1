import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeGracefully, trackRequests, type RequestTracker } from '@cloudlab/kit/server/drain';
import type { Stack } from '../stack';
import { haproxyConfig, startBalancer, type Balancer } from './haproxy';
import { rollout } from './rollout';

/**
 * The rollout protocol against a real HAProxy (Debian's package; skipped where it is not
 * installed): instances are small HTTP servers in this process that drain exactly as the gateway
 * and subgraphs do (kit/src/server/drain.ts). Under continuous requests through HAProxy, every
 * instance is restarted one at a time and no request fails.
 */
const haproxy = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-rollout-unit-'));
let balancer: Balancer | undefined;
const servers = new Map<string, { server: Server; tracker: RequestTracker; generation: number }>();
afterAll(async () => {
  await balancer?.stop();
  for (const { server } of servers.values()) server.closeAllConnections(), server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** An instance: answers after 15 ms with its name and generation; /readyz 503 once draining. */
async function startInstance(name: string, port: number, generation: number) {
  const server = createServer((req, res) => {
    if (req.url === '/readyz') return res.writeHead(tracker.draining ? 503 : 200).end();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, generation })), 15);
  });
  const tracker = trackRequests(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  servers.set(name, { server, tracker, generation });
}

describe.skipIf(!haproxy)('rollout through HAProxy', () => {
  it('writes checks on /readyz (the gateway on scope=self) and retries only what never reached an instance', () => {
    const cfg = haproxyConfig({
      socket: '/tmp/x.sock',
      services: [
        { name: 'gateway', front: { host: '0.0.0.0', port: 4000 }, servers: [{ name: 'gateway-1', port: 4100 }] },
        { name: 'catalog', front: { host: '127.0.0.1', port: 4002 }, servers: [{ name: 'catalog-1', port: 4102 }, { name: 'catalog-2', port: 4103 }] },
      ],
    });
    expect(cfg).toContain('option httpchk GET /readyz?scope=self');
    expect(cfg).toMatch(/backend catalog\n[\s\S]*option httpchk GET \/readyz\n/);
    expect(cfg).toContain('retry-on conn-failure empty-response');
    expect(cfg).toContain('server catalog-2 127.0.0.1:4103');
  });

  it('restarts every instance one at a time under load with zero failed requests', async () => {
    const front = await freePort();
    const instances = [
      { name: 'svc-1', service: 'svc', port: await freePort() },
      { name: 'svc-2', service: 'svc', port: await freePort() },
    ];
    for (const i of instances) await startInstance(i.name, i.port, 1);
    balancer = await startBalancer({
      dir,
      services: [{ name: 'svc', front: { host: '127.0.0.1', port: front }, servers: instances.map((i) => ({ name: i.name, port: i.port })) }],
      checkIntervalMs: 200,
    });
    const deadline = Date.now() + 10_000;
    while ((await balancer.servers()).some((s) => s.status !== 'UP')) {
      if (Date.now() > deadline) throw new Error(`not UP: ${JSON.stringify(await balancer.servers())}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const stack = {
      balancer,
      instances,
      processes: new Map(instances.map((i) => [i.name, { pid: servers.get(i.name)!.generation }])),
      // What ops/stack.ts does with processes: SIGTERM → drain → exit, start on the same port, wait until ready.
      async restartInstance(name: string) {
        const old = servers.get(name)!;
        old.tracker.begin();
        await closeGracefully(old.server, old.tracker, 5_000);
        const port = instances.find((i) => i.name === name)!.port;
        await startInstance(name, port, old.generation + 1);
        (stack.processes as Map<string, { pid: number }>).set(name, { pid: old.generation + 1 });
      },
    } as unknown as Stack;

    let running = true;
    let sent = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const loops = Array.from({ length: 8 }, async () => {
      while (running) {
        sent++;
        try {
          const res = await fetch(`http://127.0.0.1:${front}/graphql`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(5_000) });
          const body = (await res.json()) as { name: string; generation: number };
          if (res.status !== 200) failures.push(`HTTP ${res.status}`);
          else seen.add(`${body.name}@${body.generation}`);
        } catch (err) {
          failures.push(String((err as Error & { cause?: Error }).cause?.message ?? err));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const lines: string[] = [];
    const result = await rollout(stack, { log: (l) => lines.push(l) });
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(loops);

    console.log(`rollout of 2 instances under load: ${sent} requests, ${failures.length} failed, ${result.durationMs} ms`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(40);
    expect(result.instances).toBe(2);
    expect(lines).toHaveLength(2);
    // Both instances served before and after their restart.
    expect([...seen].sort()).toEqual(['svc-1@1', 'svc-1@2', 'svc-2@1', 'svc-2@2']);
    expect((await balancer.servers()).map((s) => s.status)).toEqual(['UP', 'UP']);
  }, 60_000);
});
