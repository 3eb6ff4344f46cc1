import { createServer } from 'node:http';
import { IDENTITY_HEADER } from '@cloudlab/kit';
import { freePort } from './ports';

export interface HeldProxy {
  /** Point a gateway's `SUBGRAPH_<NAME>_URL` here. */
  url: string;
  /** While true, requests wait (unanswered, not forwarded) until `release()`. */
  holding: boolean;
  /** Requests received so far: their identity header (undefined: anonymous) and body. */
  received: { identity?: string; body: string }[];
  /** Requests waiting right now. */
  readonly waiting: number;
  /** Forwards every waiting request. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A subgraph's stand-in that forwards to the real one, and can hold requests back: a story sees
 * what a gateway sends it and decides when the subgraph's answer comes.
 */
export async function heldProxy(target: string): Promise<HeldProxy> {
  const waiting: (() => void)[] = [];
  const proxy: HeldProxy = {
    url: '',
    holding: false,
    received: [],
    get waiting() {
      return waiting.length;
    },
    release: () => waiting.splice(0).forEach((go) => go()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const identity = req.headers[IDENTITY_HEADER];
    proxy.received.push({ ...(typeof identity === 'string' ? { identity } : {}), body: body.toString('utf8') });
    if (proxy.holding) await new Promise<void>((resolve) => waiting.push(resolve));
    const skip = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'content-encoding']);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => !skip.has(k) && typeof v === 'string')) as Record<string, string>;
    try {
      const answer = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => !skip.has(k))));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${port}/graphql`;
  return proxy;
}
