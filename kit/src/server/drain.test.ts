import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeGracefully, trackRequests } from './drain';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections(), s.close();
});

/** A server whose answers take `ms` (from the `?ms=` query) and name the connection header. */
async function slowServer() {
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url!, 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('done'), ms);
  });
  servers.push(server);
  const tracker = trackRequests(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, tracker, port: (server.address() as { port: number }).port };
}

async function until(probe: () => boolean) {
  for (const deadline = Date.now() + 5_000; !probe() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
}

function get(port: number, path: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful drain of an HTTP server', () => {
  it('answers every request in flight, with Connection: close, refuses new connections, and resolves when they are done', async () => {
    const { server, tracker, port } = await slowServer();
    const inFlight = [get(port, '/?ms=300'), get(port, '/?ms=150')];
    await until(() => tracker.inFlight === 2);
    expect(tracker.inFlight).toBe(2);
    tracker.begin();
    expect(tracker.draining).toBe(true);
    const t0 = Date.now();
    const finished = await closeGracefully(server, tracker, 5_000);
    expect(finished).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(await Promise.all(inFlight)).toEqual([
      { status: 200, body: 'done', connection: 'close' },
      { status: 200, body: 'done', connection: 'close' },
    ]);
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('is bounded: a request still running after the timeout is cut off and the close resolves false', async () => {
    const { server, tracker, port } = await slowServer();
    const stuck = get(port, '/?ms=10000').catch((e: Error) => e);
    await until(() => tracker.inFlight === 1);
    tracker.begin();
    const t0 = Date.now();
    expect(await closeGracefully(server, tracker, 200)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await stuck).toBeInstanceOf(Error);
  });

  it('with nothing in flight, closes at once', async () => {
    const { server, tracker } = await slowServer();
    tracker.begin();
    const t0 = Date.now();
    expect(await closeGracefully(server, tracker, 5_000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
