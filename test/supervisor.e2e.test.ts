import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { contract } from './support/client';
import { freePort } from './support/ports';
import { alive } from './support/processes';

/**
 * `pnpm start` itself (ops/start.ts as a child process, with its own ports and databases): a
 * subgraph killed with SIGKILL is restarted by the supervisor and the storefront recovers without
 * anyone restarting anything; SIGTERM to the supervisor then stops every process it started.
 */
const ROOT = path.join(__dirname, '..');
const storefront = contract('storefront');
const serverUrl = process.env.DATABASE_URL || undefined;
const dbPrefix = `sup_${Date.now().toString(36)}_${process.pid}_`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-supervisor-'));
chmodSync(dataDir, 0o755); // as root, embedded PostgreSQL runs as `postgres`, which must reach it

let supervisor: ChildProcess | undefined;
let output = '';

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (supervisor?.exitCode !== null) throw new Error(`${what}: the supervisor exited (${supervisor?.exitCode}); output:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; output:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function storefrontOk(gatewayUrl: string): Promise<boolean> {
  try {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: storefront, operationName: 'StorefrontHome', variables: { first: 4 } }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    return res.status === 200 && !body.errors && body.data?.products?.edges?.length === 4;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (supervisor && supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGKILL');
  if (serverUrl) await dropDatabases(serverUrl, dbPrefix);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('pnpm start', () => {
  it('restarts a subgraph killed with SIGKILL, the storefront recovers, and SIGTERM stops every process', async () => {
    const gatewayPort = await freePort();
    // Consecutive subgraph ports below Linux's ephemeral range, where nothing else binds.
    const base = 21_000 + Math.floor(Math.random() * 500) * 16;
    supervisor = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ops', 'start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: serverUrl ?? '',
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        DB_PREFIX: dbPrefix,
        PORT: String(gatewayPort),
        SUBGRAPH_PORT_BASE: String(base),
        RESTART_INITIAL_MS: '200',
        SEED_PRODUCTS: '200',
        SEED_CUSTOMERS: '50',
        SEED_REVIEWS: '200',
        LOG_LEVEL: 'warn',
        DB_POOL_MAX: '2', // a second stack on a server other test runs share: few connections
        KAFKA_BROKERS: '',
        REDIS_URL: '',
        // Every storefront request must reach catalog (no cached answer), however often it polls.
        RESPONSE_CACHE_ENABLED: 'false',
        RATE_LIMIT_ANON_PER_MIN: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    supervisor.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    supervisor.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;

    await waitFor('the stack is up', 150_000, () => (output.includes('Cloud Lab is up') ? true : undefined));
    const pidOf = (name: string) => Number(new RegExp(`^ {2}${name} +\\S+ +pid (\\d+)`, 'm').exec(output)?.[1]);
    const pids = Object.fromEntries(['gateway', ...SUBGRAPHS.map((s) => s.name)].map((name) => [name, pidOf(name)]));
    for (const pid of Object.values(pids)) expect(alive(pid)).toBe(true);
    // Up means serving; the demo data (an empty database) loads behind and start says when it is in.
    await waitFor('the start is told', 30_000, () => (output.includes('Ctrl-C stops everything') ? true : undefined));
    if (output.includes('Demo data loading')) await waitFor('the demo data is loaded', 60_000, () => (output.includes('Demo data loaded') ? true : undefined));
    expect(await storefrontOk(gatewayUrl)).toBe(true);

    process.kill(pids.catalog!, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('the storefront fails while catalog is gone', 5_000, async () => ((await storefrontOk(gatewayUrl)) ? undefined : true));
    const restarted = await waitFor('catalog restarted', 30_000, () => {
      const m = /catalog restarted \(pid (\d+)/.exec(output);
      return m ? Number(m[1]) : undefined;
    });
    await waitFor('the storefront answers again', 60_000, async () => ((await storefrontOk(gatewayUrl)) ? true : undefined));
    console.log(`catalog SIGKILLed; restarted as pid ${restarted}; storefront answers again ${Date.now() - killedAt} ms after the kill`);
    expect(output).toMatch(new RegExp(`catalog \\(pid ${pids.catalog}\\) exited unexpectedly \\(SIGKILL\\)`));
    expect(restarted).not.toBe(pids.catalog);
    for (const [name, pid] of Object.entries(pids)) if (name !== 'catalog') expect(alive(pid)).toBe(true); // nothing else stopped

    const exited = new Promise<number | null>((resolve) => supervisor!.once('exit', (code) => resolve(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of [...Object.values(pids), restarted]) expect(alive(pid)).toBe(false);
  }, 240_000);
});
