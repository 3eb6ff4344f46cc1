import { createServer } from 'node:http';
import { registry } from './metrics';

/**
 * Prometheus metrics on their own port, apart from the public API: counters name operations,
 * subgraphs and error codes a client has no business reading (config: `metricsEnv`).
 */
const OFFSET = 1000;

/** The metrics port of a service on `port` when METRICS_PORT is unset (0: none). */
export const defaultMetricsPort = (port: number) => (port > 0 && port + OFFSET <= 65535 ? port + OFFSET : 0);

/** Where a service started with the default METRICS_PORT serves /metrics, from any of its URLs. */
export function metricsUrl(serviceUrl: string): string {
  const url = new URL(serviceUrl);
  return `http://${url.hostname}:${defaultMetricsPort(Number(url.port))}/metrics`;
}

/** Serves GET /metrics on `port` (nothing when 0); everything else is 404. */
export async function serveMetrics(opts: { port: number; host: string }): Promise<{ url?: string; close: () => Promise<void> }> {
  if (!opts.port) return { close: async () => undefined };
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') return res.writeHead(404).end();
    try {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(text);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    url: `http://${opts.host}:${opts.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
