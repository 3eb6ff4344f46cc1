import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { startStack } from '@cloudlab/ops/stack';
import { startCollector } from './collector';
import { freePort } from './ports';

/**
 * Starts the supergraph once for all end-to-end tests: real processes on free ports, with
 * embedded PostgreSQL in a temp folder, or the server at DATABASE_URL under a unique database
 * prefix so runs never collide. Spans go to an in-test OTLP collector.
 */
export default async function setup(project: TestProject) {
  const collector = await startCollector();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-e2e-'));
  chmodSync(dataDir, 0o755); // as root, embedded PostgreSQL runs as the `postgres` user, which must reach it
  const dbPrefix = process.env.DB_PREFIX ?? `e2e_${Date.now().toString(36)}_${process.pid}_`;
  const internalSecret = process.env.INTERNAL_SECRET ?? randomBytes(32).toString('hex');
  const subgraphPorts: Record<string, number> = {};
  for (const { name } of SUBGRAPHS) subgraphPorts[name] = await freePort();
  const logs: string[] = [];
  const stack = await startStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir,
    embeddedPgPort: await freePort(),
    dbPrefix,
    gatewayPort: await freePort(),
    subgraphPorts,
    // A busy machine may need longer for every subgraph to migrate and seed (ops/config.ts START_TIMEOUT_MS).
    ...(process.env.START_TIMEOUT_MS ? { startTimeoutMs: Number(process.env.START_TIMEOUT_MS) } : {}),
    env: {
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      SUBGRAPH_TIMEOUT_MS: '5000',
      // A saga clock short enough for the timeout story (tok_slow answers after 14 s) and long
      // enough that a broker restart mid-order does not time the order out.
      SAGA_STEP_TIMEOUT_MS: '12000',
      PAYMENT_SLOW_DELAY_MS: '14000',
      // On a shared broker, topics and groups of this run are its own.
      KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? dbPrefix : '',
      // Known to the tests, so a gateway a test starts itself can vouch for users to the subgraphs.
      INTERNAL_SECRET: internalSecret,
      // On a shared Redis, rate-limit counters and cached responses of this run are its own.
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `cloudlab:${dbPrefix}` } : {}),
      // The stories here send hundreds of requests a minute from one address and count what
      // reaches the subgraphs: the shared gateway limits generously and caches nothing. The
      // rate-limit and response-cache stories start gateways of their own with their settings.
      RATE_LIMIT_ANON_PER_MIN: '1000000',
      RATE_LIMIT_USER_PER_MIN: '1000000',
      RATE_LIMIT_TIERS: '{"partner":1000000,"mobile":1000000}',
      RESPONSE_CACHE_ENABLED: 'false',
      // The expired-uploads story waits for content's cleanup timer.
      MEDIA_CLEANUP_EVERY_MS: '500',
    },
    output: (name, line) => {
      logs.push(`[${name}] ${line}`);
      if (process.env.E2E_VERBOSE) console.log(`[${name}] ${line}`);
    },
  }).catch(async (err) => {
    console.error(logs.slice(-40).join('\n'));
    await collector.close();
    throw err;
  });
  project.provide('gatewayUrl', stack.gatewayUrl);
  project.provide('subgraphUrls', stack.subgraphUrls);
  project.provide('collectorUrl', collector.url);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('dbPrefix', dbPrefix);
  project.provide('internalSecret', internalSecret);
  // Lets a test stop and restart a subgraph through a tiny control channel in this process.
  const control = await startControl(stack);
  project.provide('controlUrl', control.url);

  return async () => {
    await control.close();
    await stack.stop();
    await collector.close();
    if (process.env.DATABASE_URL) await dropDatabases(process.env.DATABASE_URL, dbPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

async function startControl(stack: Awaited<ReturnType<typeof startStack>>) {
  const server = createServer(async (req, res) => {
    const [, action, name] = (req.url ?? '').split('/');
    try {
      if (action === 'stop' && name) await stack.stopProcess(name);
      else if (action === 'start' && name) await stack.startSubgraph(name);
      // Each service's current pid: a test can tell a process that survived from one that was restarted.
      else if (action === 'pids') return res.writeHead(200).end(JSON.stringify(Object.fromEntries([...stack.processes].map(([n, c]) => [n, c.pid]))));
      else return res.writeHead(404).end();
      res.writeHead(200).end('ok');
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

declare module 'vitest' {
  export interface ProvidedContext {
    gatewayUrl: string;
    subgraphUrls: Record<string, string>;
    collectorUrl: string;
    databaseUrl: string;
    dbPrefix: string;
    controlUrl: string;
    internalSecret: string;
  }
}
