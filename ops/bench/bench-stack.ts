import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { startStack, type Stack, type StackOptions } from '../stack';

/**
 * A fresh stack for one benchmark: its own databases (embedded PostgreSQL in a temp folder, or
 * DATABASE_URL under a unique prefix) and ports, so a benchmark never touches a running
 * `pnpm start`. `stop()` removes what it made.
 */
export async function benchStack(opts: Partial<StackOptions> = {}): Promise<Stack & { dbPrefix: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-bench-'));
  chmodSync(dataDir, 0o755);
  // Below Linux's ephemeral range (32768+), where outgoing connections could already hold a port.
  const base = 20_000 + Math.floor(Math.random() * 750) * 16;
  const dbPrefix = `bench_${Date.now().toString(36)}_`;
  const stack = await startStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir,
    embeddedPgPort: base,
    dbPrefix,
    gatewayPort: base + 1,
    subgraphPorts: Object.fromEntries(SUBGRAPHS.map(({ name }, i) => [name, base + 2 + i])),
    output: () => undefined,
    ...opts,
    env: {
      LOG_LEVEL: 'warn',
      KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? dbPrefix : '',
      // A benchmark measures the path, not the limiter or the cache: limits on but out of reach,
      // cache off (the gateway benchmark turns it on for its own "cached" variant).
      RATE_LIMIT_ANON_PER_MIN: '100000000',
      RATE_LIMIT_USER_PER_MIN: '100000000',
      RESPONSE_CACHE_ENABLED: 'false',
      ...opts.env,
    },
  });
  return {
    ...stack,
    dbPrefix,
    stop: async () => {
      await stack.stop();
      if (process.env.DATABASE_URL) await dropDatabases(process.env.DATABASE_URL, dbPrefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A free-ish port range of this stack for extra processes (gateways under test). */
export const extraPort = (stack: Stack, offset: number) => Number(new URL(stack.gatewayUrl).port) + 20 + offset;

/**
 * A PostgreSQL server for a benchmark that runs a subgraph's code in process: DATABASE_URL when
 * set, else an embedded one in a temporary folder. `stop` stops it (if embedded) and removes the folder.
 */
export async function benchPostgres(label: string): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  const { startEmbeddedPostgres } = await import('../embedded-postgres');
  const dir = mkdtempSync(path.join(tmpdir(), `bench-${label}-`));
  const pg = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 54000 + Math.floor(Math.random() * 900) });
  return {
    serverUrl: process.env.DATABASE_URL ?? pg!.url,
    stop: async () => {
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
