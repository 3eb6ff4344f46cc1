import '@cloudlab/kit/telemetry/register';
import cluster from 'node:cluster';
import { ConfigError, stopTelemetry } from '@cloudlab/kit';
import { gatewayConfig } from './config';
import { startGateway } from './server';

/** `gateway [--supergraph FILE] [--port N]`: serves any supergraph file. */
async function main() {
  process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
  let config;
  try {
    config = gatewayConfig();
  } catch (err) {
    console.error(`gateway: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) return supervise(config.GATEWAY_WORKERS);
  const { stop } = await startGateway(config);
  // The gateway owns its drain (server.ts `stop`): exit 0 once requests in flight are answered.
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await stop();
      await stopTelemetry();
      process.exit(0);
    } catch (err) {
      console.error(`gateway: shutdown failed: ${(err as Error).stack ?? err}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/**
 * GATEWAY_WORKERS > 1: this process only supervises that many gateway processes, which share the
 * port (node:cluster hands out connections). A worker that dies is replaced; SIGTERM/SIGINT stop
 * them all. State that must be shared between them (rate limits, APQ, the response cache) needs
 * REDIS_URL, as it does across machines; /metrics answers for the worker that took the scrape.
 */
function supervise(workers: number) {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`gateway: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => cluster.fork(), 1000);
  });
  const shutdown = () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    if (!alive.length) process.exit(0);
    let left = alive.length;
    for (const w of alive) {
      w!.once('exit', () => --left === 0 && process.exit(0));
      w!.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
