import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { contract } from './support/client';
import { startGatewayProcess, type GatewayProcess } from './support/gateway';
import { graphqlOk, runLoad, type Sample } from './support/load';
import { freePort } from './support/ports';

/**
 * Graceful drain (kit/src/server/drain.ts): a gateway or a subgraph that gets SIGTERM under load
 * answers every request it had already taken, says 503 on /readyz at once, closes graphql-ws
 * clients with 1012 Service Restart (they reconnect), and exits 0, not 143.
 */
const ROOT = path.join(__dirname, '..');
const storefront = contract('storefront');
const DELAY_MS = 500;
/** The load is one anonymous caller far above the 300 points a minute it may spend: the story is about drain, not rate limits. */
const UNLIMITED = { RATE_LIMIT_ENABLED: 'false' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function readyStatus(url: string): Promise<number> {
  return fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
}

/** Within `ms` of the SIGTERM, /readyz says 503 (while the process still answers). */
async function readyzFlips(url: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let status = await readyStatus(url);
  while (status !== 503 && Date.now() < deadline) status = await readyStatus(url);
  return status;
}

function failedBefore(samples: Sample[], at: number) {
  return samples.filter((s) => s.start < at && !s.ok);
}

describe('graceful drain on SIGTERM', () => {
  it('a gateway under load answers every request in flight, closes graphql-ws with 1012 and exits 0', async () => {
    // NODE_ENV unset (not `test`): Apollo Server would install its own signal handler here.
    const gateway: GatewayProcess = await startGatewayProcess({ SHUTDOWN_DELAY_MS: String(DELAY_MS), DRAIN_TIMEOUT_MS: '8000', LOG_LEVEL: 'warn', ...UNLIMITED });
    cleanups.push(() => gateway.stop());
    expect(await readyStatus(gateway.url)).toBe(200);

    const first = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: storefront, operationName: 'StorefrontHome', variables: { first: 2 } }) });
    const productId = ((await first.json()) as any).data.products.edges[0].node.id as string;

    // A subscriber, as the web app opens one.
    const closes: number[] = [];
    let connected!: () => void;
    const open = new Promise<void>((resolve) => (connected = resolve));
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => connected(), closed: (e) => void closes.push((e as { code: number }).code) },
    });
    cleanups.push(() => client.dispose());
    client.subscribe({ query: contract('live'), operationName: 'StockChanged', variables: { productIds: [productId] } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await open;

    const load = runLoad(6, () => graphqlOk(gateway.url, storefront, { first: 8 }, { operationName: 'StorefrontHome' }));
    cleanups.push(() => void load.stop());
    await new Promise((r) => setTimeout(r, 1_500));
    const inFlightAtSignal = load.inFlight;
    const signalAt = performance.now();
    process.kill(gateway.pid, 'SIGTERM');

    expect(await readyzFlips(gateway.url, 2_000)).toBe(503);
    const exit = await gateway.exited;
    const samples = await load.stop();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(inFlightAtSignal).toBeGreaterThan(0);
    expect(samples.filter((s) => s.start < signalAt).length).toBeGreaterThan(20);
    // Everything sent before the signal (in flight when it came, or queued on a kept-alive socket) was answered.
    expect(failedBefore(samples, signalAt)).toEqual([]);
    expect(closes).toContain(1012);
  }, 180_000);

  it('a subgraph under load answers every request in flight and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const output: string[] = [];
    // A second catalog instance on the stack's database, as a replica behind a balancer would run.
    const catalog: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs', 'catalog', 'src', 'server.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        OTEL_SDK_DISABLED: 'true',
        LOG_LEVEL: 'info',
        DATABASE_URL: inject('databaseUrl'),
        DB_PREFIX: inject('dbPrefix'),
        DB_POOL_MAX: '3',
        INTERNAL_SECRET: inject('internalSecret'),
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? inject('dbPrefix') : '',
        SHUTDOWN_DELAY_MS: String(DELAY_MS),
        DRAIN_TIMEOUT_MS: '8000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [catalog.stdout!, catalog.stderr!]) s.setEncoding('utf8').on('data', (c: string) => output.push(c));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => catalog.once('exit', (code, signal) => resolve({ code, signal })));
    cleanups.push(() => void (catalog.exitCode === null && catalog.signalCode === null && catalog.kill('SIGKILL')));
    for (let i = 0; (await readyStatus(url)) !== 200; i++) {
      if (i > 600 || catalog.exitCode !== null) throw new Error(`catalog did not start:\n${output.join('').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const gateway = await startGatewayProcess({ SUBGRAPH_CATALOG_URL: url, LOG_LEVEL: 'warn', ...UNLIMITED });
    cleanups.push(() => gateway.stop());

    const load = runLoad(6, () => graphqlOk(gateway.url, storefront, { first: 8 }, { operationName: 'StorefrontHome' }));
    cleanups.push(() => void load.stop());
    await new Promise((r) => setTimeout(r, 1_500));
    const signalAt = performance.now();
    catalog.kill('SIGTERM');

    expect(await readyzFlips(url, 2_000)).toBe(503);
    const exit = await exited;
    const samples = await load.stop();

    expect(exit, output.join('').slice(-2000)).toEqual({ code: 0, signal: null });
    expect(samples.filter((s) => s.start < signalAt).length).toBeGreaterThan(20);
    expect(failedBefore(samples, signalAt)).toEqual([]);
  }, 180_000);
});
