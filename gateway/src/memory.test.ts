import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The memory story: a stream of distinct documents that the edge refuses must not grow the
 * gateway. Each document is new (so no cache hit hides the cost): over HTTP ~2 KB and over the
 * alias limit, over graphql-ws ~2 KB of 1,100 tokens, over the token limit.
 * The gateway is its own process (memory-probe.ts, run with --expose-gc), asked over IPC for its
 * heap after a full GC before and after the stream.
 * Bound: every cache a refused document may enter is bounded (Apollo's document store by bytes,
 * DOCUMENT_CACHE_MAX_BYTES; the verdict LRUs by entries, holding plain data), so the growth stays
 * under MAX_GROWTH_MB whatever the number of documents. Before the fix the graphql-ws side kept
 * 1,000 parsed documents or errors of any size and no token limit applied to it, and the
 * limits' verdict cache kept a GraphQLError (stack frames and all) per refused document.
 */
const DOCUMENTS = Number(process.env.MEMORY_TEST_DOCUMENTS ?? 10_000);
const MAX_GROWTH_MB = 48;
const CONCURRENCY = 16;

const pad = 'x'.repeat(30);
/** Distinct per `n`, valid against the schema, 40 aliases (the limit is 30): about 2 KB. */
/** Distinct per `n`, 1,100 tokens: over OPERATION_MAX_TOKENS (1,000 in this test), where the parser stops. */
const largeDocument = (n: number) => `query L${n} { ${'a '.repeat(1_100)}}`;
const refusedDocument = (n: number) =>
  `query Q${n} { ${Array.from({ length: 40 }, (_, i) => `a${n}_${i}_${pad}: __typename`).join(' ')} }`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function inBatches(count: number, send: (n: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await send(next++);
    }),
  );
}

let url: string;
let gateway: ChildProcess;
const heapMb = async () => {
  gateway.send('heap');
  const [answer] = (await once(gateway, 'message')) as [{ heapUsed: number }];
  return answer.heapUsed / 2 ** 20;
};

beforeAll(async () => {
  const port = await freePort();
  gateway = fork(path.join(__dirname, 'memory-probe.ts'), [], {
    execArgv: ['--expose-gc', '--require', 'tsx/cjs'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RESPONSE_CACHE_ENABLED: 'false',
      // Lower than the default 5,000 so that 10,000 documents over it take seconds, not a minute.
      OPERATION_MAX_TOKENS: '1000',
      // Charged like any request, but not refused for it: this test is about the limits' refusals.
      RATE_LIMIT_ANON_PER_MIN: '100000000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(gateway, 'message');
  url = `http://127.0.0.1:${port}/graphql`;
}, 60_000);

afterAll(async () => {
  if (!gateway || gateway.exitCode !== null) return;
  gateway.send('stop');
  await once(gateway, 'exit');
});

describe('memory under a stream of distinct refused documents', () => {
  it(`stays bounded over HTTP: ${DOCUMENTS} documents over the alias limit`, async () => {
    const post = async (n: number) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: refusedDocument(n) }) });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.[0]?.extensions?.code !== 'TOO_MANY_ALIASES') throw new Error(`not refused by the limits: ${JSON.stringify(body)}`);
    };
    await inBatches(200, post); // warm-up: lazy module state, JIT, first allocations of each cache
    const before = await heapMb();
    await inBatches(DOCUMENTS, (n) => post(1_000_000 + n));
    const growth = (await heapMb()) - before;
    console.log(`HTTP: heap growth after ${DOCUMENTS} refused documents: ${growth.toFixed(1)} MB`);
    expect(growth).toBeLessThan(MAX_GROWTH_MB);
  }, 300_000);

  it(`stays bounded over graphql-ws: one anonymous connection, ${DOCUMENTS} large documents over the token limit`, async () => {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    const send = (n: number) =>
      new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: largeDocument(n) },
          {
            next: (r) => reject(new Error(JSON.stringify(r).slice(0, 500))),
            error: (e) => {
              const code = (e as { extensions?: { code?: string } }[])[0]?.extensions?.code;
              if (code === 'TOO_MANY_TOKENS') resolve();
              else reject(new Error(`not refused by the token limit: ${JSON.stringify(e).slice(0, 500)}`));
            },
            complete: resolve,
          },
        );
      });
    try {
      await inBatches(200, (n) => send(2_000_000 + n));
      const before = await heapMb();
      await inBatches(DOCUMENTS, (n) => send(3_000_000 + n));
      const growth = (await heapMb()) - before;
      console.log(`graphql-ws: heap growth after ${DOCUMENTS} refused documents: ${growth.toFixed(1)} MB`);
      expect(growth).toBeLessThan(MAX_GROWTH_MB);
    } finally {
      await client.dispose();
    }
  }, 300_000);
});
