import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { until } from './poll';

const ROOT = path.join(__dirname, '..', '..');

export interface SubgraphProcess {
  child: ChildProcess;
  url: string;
  /** Its stdout and stderr lines, prefixed with its name. */
  output: string[];
  /** SIGTERM, resolved once it has exited. */
  stop(): Promise<void>;
}

/**
 * One subgraph as its own process (outside the shared e2e stack), on `port`, with `env` over the
 * test's environment; resolves once its /readyz answers 200, fails with its last lines if it exits.
 * `ipc`: with an IPC channel, as ops/stack.ts starts subgraphs (`child.send`, `child.on('message')`).
 */
export async function startSubgraphProcess(name: string, port: number, env: NodeJS.ProcessEnv, opts: { ipc?: boolean } = {}): Promise<SubgraphProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, `subgraphs/${name}/src/server.ts`)], {
    cwd: ROOT,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', OTEL_SDK_DISABLED: 'true', LOG_FORMAT: 'json', PORT: String(port), ...env },
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}`)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}:\n${output.slice(-30).join('\n')}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok;
    },
    `${name} ready`,
    Number(process.env.START_TIMEOUT_MS) || 180_000,
  ).catch(async (err) => {
    await stop();
    throw err;
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output, stop };
}
