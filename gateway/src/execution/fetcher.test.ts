import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanFetcher } from './fetcher';

/** The lean fetcher answers and fails where RemoteGraphQLDataSource looks exactly as Node's fetch does. */
let server: Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      switch (req.url) {
        case '/echo':
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=30, public', 'x-multi': ['a', 'b'] });
          return res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'], identity: req.headers['x-identity'] ?? null }));
        case '/bom':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('\ufeff{"data":{"ok":true}}');
        case '/bad-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"data":');
        case '/teapot':
          res.writeHead(418, 'I am a teapot today', { 'content-type': 'text/plain' });
          return res.end('short and stout');
        case '/slow':
          return setTimeout(() => res.writeHead(200).end('{}'), 1500);
        case '/big':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ data: Array.from({ length: 20_000 }, (_, i) => ({ i, s: 'é'.repeat(3) })) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const lean = leanFetcher({ timeoutMs: 500 });
const init = { method: 'POST', headers: { 'content-type': 'application/json', 'x-identity': 'abc' }, body: '{"query":"{ a }"}' };

async function both(path: string) {
  const settle = async (p: Promise<any>) => {
    try {
      const res = await p;
      const text = await res.text();
      return { ok: res.ok, status: res.status, statusText: res.statusText, url: res.url, type: res.headers.get('Content-Type'), cache: res.headers.get('cache-control'), multi: res.headers.get('X-Multi'), text };
    } catch (err) {
      return { error: (err as Error).name, cause: (err as { cause?: Error }).cause?.message };
    }
  };
  return [await settle(lean(base + path, init)), await settle(fetch(base + path, { ...init, signal: AbortSignal.timeout(500) }))];
}

describe('leanFetcher vs fetch', () => {
  it('status, status text, url, headers and body', async () => {
    for (const path of ['/echo', '/teapot', '/big', '/bom']) {
      const [a, b] = await both(path);
      expect(a, path).toEqual(b);
    }
  });

  it('json(): parses as fetch does, and fails with the same message', async () => {
    expect(await (await lean(`${base}/bom`, init)).json()).toEqual(await (await fetch(`${base}/bom`, init)).json());
    const failure = async (p: Promise<unknown>) => p.then(() => 'parsed', (err: Error) => `${err.name}: ${err.message}`);
    expect(await failure((await lean(`${base}/bad-json`, init)).json())).toBe(await failure((await fetch(`${base}/bad-json`, init)).json()));
  });

  it('a timeout rejects with TimeoutError; a closed port with TypeError carrying the connect error', async () => {
    const [slowA, slowB] = await both('/slow');
    expect(slowA).toEqual({ error: 'TimeoutError', cause: undefined });
    expect(slowA).toEqual(slowB);
    const url = `http://127.0.0.1:${closedPort}/graphql`;
    const refused = await lean(url, init).catch((err: Error & { cause?: Error }) => ({ name: err.name, message: err.message, cause: err.cause?.message }));
    const expected = await fetch(url, init).catch((err: Error & { cause?: Error }) => ({ name: err.name, message: err.message, cause: err.cause?.message }));
    expect(refused).toEqual(expected);
  });
});
