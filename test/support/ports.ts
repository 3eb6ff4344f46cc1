import { createServer } from 'node:net';
import { defaultMetricsPort } from '@cloudlab/kit/metrics-server';

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Ports this process has handed out, with their metrics ports: never handed out again, so one
// service's port is never another's metrics port.
const given = new Set<number>();

/**
 * A TCP port that is free right now on 127.0.0.1, and whose default metrics port (port + 1000,
 * where a service started on it serves /metrics) is free too: otherwise a process the tests start
 * could die on EADDRINUSE for its metrics.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const metrics = defaultMetricsPort(port);
    if (!metrics || given.has(port) || given.has(metrics) || !(await listenable(metrics))) continue;
    given.add(port).add(metrics);
    return port;
  }
  throw new Error('no free port with a free metrics port after 50 tries');
}
