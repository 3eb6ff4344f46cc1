import { createServer, request } from 'node:http';
import { existsSync, unlinkSync } from 'node:fs';
import type { Stack } from '../stack';
import { rollout } from './rollout';

/**
 * `pnpm start`'s control channel: a Unix socket in DATA_DIR (only this machine's users with
 * access to that folder reach it). `POST /rollout?concurrency=K` restarts every instance
 * (rollout.ts) and streams its progress; the last line is `done {…}` or `failed: …`.
 */
export async function serveControl(socket: string, stack: Stack): Promise<{ close: () => Promise<void> }> {
  if (existsSync(socket)) unlinkSync(socket); // left by a process that did not stop cleanly
  let busy = false;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method !== 'POST' || url.pathname !== '/rollout') return res.writeHead(404).end('not found\n');
    if (busy) return res.writeHead(409).end('failed: a rollout is already running\n');
    busy = true;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    try {
      const result = await rollout(stack, { concurrency: Number(url.searchParams.get('concurrency') ?? 1) || 1, log: (line) => res.write(`${line}\n`) });
      res.end(`done ${JSON.stringify(result)}\n`);
    } catch (err) {
      res.end(`failed: ${(err as Error).message}\n`);
    } finally {
      busy = false;
    }
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** `pnpm rollout` against the running `pnpm start`: resolves with the result line. */
export function requestRollout(socket: string, concurrency: number, onLine: (line: string) => void): Promise<{ ok: boolean; last: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path: `/rollout?concurrency=${concurrency}` }, (res) => {
      let buffered = '';
      let last = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (buffered + chunk).split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          last = line;
          onLine(line);
        }
      });
      res.on('end', () => resolve({ ok: res.statusCode === 200 && last.startsWith('done '), last }));
    });
    req.on('error', reject);
    req.end();
  });
}
