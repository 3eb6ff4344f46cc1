import '@cloudlab/kit/telemetry/register';
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
  const { stop } = await startGateway(config);
  const shutdown = async () => {
    await stop();
    await stopTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
