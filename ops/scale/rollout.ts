import type { Instance, Stack } from '../stack';
import type { Balancer } from './haproxy';

export interface RolloutResult {
  instances: number;
  durationMs: number;
}

/**
 * Restarts every instance, one at a time per service (at most `concurrency` services at once, so
 * each service always keeps all but one of its instances serving):
 * 1. HAProxy puts the instance in `drain` (no new requests reach it; health checks go on);
 * 2. the instance gets SIGTERM and drains itself: requests in flight answered, graphql-ws
 *    clients closed with 1012 (they reconnect to the other instances), consumers committed;
 * 3. it starts again on the same port; once its /readyz is 200, HAProxy sets it `ready` and the
 *    next instance of that service may go.
 * Subgraphs first, the gateways last (a new gateway's /readyz checks the subgraphs through HAProxy).
 */
export async function rollout(stack: Stack, opts: { concurrency?: number; log: (line: string) => void }): Promise<RolloutResult> {
  const balancer = stack.balancer;
  if (!balancer) throw new Error('rollout needs the instances behind HAProxy: start with --replicas 2 or more');
  const started = Date.now();
  const byService = new Map<string, Instance[]>();
  for (const i of stack.instances) byService.set(i.service, [...(byService.get(i.service) ?? []), i]);
  const subgraphs = [...byService.keys()].filter((s) => s !== 'gateway');

  const rollService = async (service: string) => {
    for (const instance of byService.get(service)!) await rollInstance(balancer, stack, instance, opts.log);
  };
  await inParallel(subgraphs, Math.max(1, opts.concurrency ?? 1), rollService);
  if (byService.has('gateway')) await rollService('gateway');
  return { instances: stack.instances.length, durationMs: Date.now() - started };
}

async function rollInstance(balancer: Balancer, stack: Stack, instance: Instance, log: (line: string) => void) {
  const t0 = Date.now();
  const pid = stack.processes.get(instance.name)?.pid;
  await balancer.setState(instance.service, instance.name, 'drain');
  // HAProxy sends it nothing new from here; what it carries finishes (the instance's own drain
  // bounds that too). Give in-flight sessions a moment to end before the SIGTERM.
  await until(async () => ((await balancer.servers()).find((s) => s.server === instance.name)?.sessions ?? 0) === 0, 2_000);
  await stack.restartInstance(instance.name);
  await balancer.setState(instance.service, instance.name, 'ready');
  // Back in rotation once HAProxy's own check has seen it ready.
  const up = await until(async () => (await balancer.servers()).find((s) => s.server === instance.name)?.status === 'UP', 15_000);
  if (!up) throw new Error(`${instance.name} did not come back UP in HAProxy within 15 s`);
  log(`${instance.name}: pid ${pid} -> ${stack.processes.get(instance.name)?.pid}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}
