import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { freePort } from './ports';

const ROOT = path.join(__dirname, '..', '..');

export interface GatewayProcess {
  url: string;
  pid: number;
  /** Its log lines (JSON, pino) so far. */
  output: string[];
  /** How the process ended (its exit code, or the signal that killed it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * Starts another gateway process over the running stack's subgraphs, with the settings a story
 * needs (e.g. small rate limits): the way a second instance runs behind a load balancer.
 * It vouches for users with the stack's INTERNAL_SECRET and reads the stack's event bus.
 */
export async function startGatewayProcess(env: Record<string, string | undefined> = {}): Promise<GatewayProcess> {
  // A port free when picked can be taken before the gateway binds it (it is in the ephemeral
  // range, where every outgoing connection of the machine gets its port): try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort(), env);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(port: number, env: Record<string, string | undefined>): Promise<GatewayProcess> {
  const subgraphs = Object.fromEntries(Object.entries(inject('subgraphUrls')).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'gateway', 'bin', 'gateway.js'), '--port', String(port)], {
    env: {
      PATH: process.env.PATH,
      APOLLO_TELEMETRY_DISABLED: '1',
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'info',
      INTERNAL_SECRET: inject('internalSecret'),
      DATABASE_URL: inject('databaseUrl'),
      DB_PREFIX: inject('dbPrefix'),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? inject('dbPrefix') : '',
      ...subgraphs,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
  }
  const url = `http://127.0.0.1:${port}/graphql`;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) {
      await new Promise((r) => setTimeout(r, 200)); // its last lines (the reason) may still be in the pipe
      throw new Error(`gateway exited with ${child.exitCode}:\n${output.slice(-20).join('\n')}`);
    }
    if (await fetch(new URL('/healthz', url)).then((r) => r.ok, () => false)) return { url, pid: child.pid!, output, exited, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`gateway did not start:\n${output.slice(-20).join('\n')}`);
}

/** POSTs an operation to a given gateway. */
export async function post(url: string, query: string, opts: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ query, variables: opts.variables ?? {} }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}
