import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { gatewayAuthHeaders } from '@cloudlab/kit';

/**
 * Subgraphs that answer nearly for free, for `pnpm bench gateway --pin` (as the Guild's
 * gateways-benchmark does with subgraphs that answer from memory): one node:http server, each
 * subgraph at `/<name>/graphql`, answering a request with the answer recorded for the same request.
 *
 * Recording: while `upstream` is set, a request with no recorded answer goes to the real subgraph
 * (with the gateway credential the subgraphs require) and its answer is kept, so every gateway
 * gets real federated answers, each for the requests its own query plans send. `replay()` ends
 * that: from then on an unknown request gets an error (HTTP 502) and is counted in `misses`.
 */
export interface Recorded {
  status: number;
  body: string;
  /** The subgraph's Cache-Control, which a gateway may fold into its own response's. */
  cacheControl?: string;
}
export type Recording = Record<string, Recorded>;

/**
 * The same key for the same request whatever the order of its JSON keys, or whether an empty
 * `variables` is sent: subgraph, query, operation name, variables (extensions are left out).
 */
export function requestKey(subgraph: string, body: string): string {
  const { query, operationName, variables } = JSON.parse(body) as { query?: unknown; operationName?: unknown; variables?: unknown };
  return `${subgraph} ${canonicalJson({ query, operationName: operationName ?? null, variables: variables ?? {} })}`;
}

/** JSON with every object's keys sorted (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A supergraph whose subgraphs are reached at `url(name)` (each `@join__graph` URL rewritten). */
export function pointSupergraphAt(supergraphSdl: string, url: (subgraph: string) => string): string {
  return supergraphSdl.replace(/(@join__graph\(name: "([\w-]+)", url: )"[^"]*"/g, (_, head: string, name: string) => `${head}${JSON.stringify(url(name))}`);
}

export async function cannedSubgraphs(opts: { upstream?: Record<string, string>; recording?: Recording } = {}) {
  const recording: Recording = { ...opts.recording };
  let upstream = opts.upstream;
  // The exact bytes a gateway sends repeat request after request: after the first, one Map lookup.
  const byRawBody = new Map<string, Recorded>();
  const counts = { requests: 0, misses: 0 };
  const auth = gatewayAuthHeaders(process.env.INTERNAL_SECRET);

  const answer = async (subgraph: string, raw: string): Promise<Recorded | undefined> => {
    const rawKey = `${subgraph}\n${raw}`;
    const known = byRawBody.get(rawKey);
    if (known) return known;
    const key = requestKey(subgraph, raw);
    let recorded = recording[key];
    if (!recorded && upstream?.[subgraph]) {
      const res = await fetch(upstream[subgraph], { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: raw });
      recorded = { status: res.status, body: await res.text(), ...(res.headers.get('cache-control') ? { cacheControl: res.headers.get('cache-control')! } : {}) };
      recording[key] = recorded;
    }
    if (recorded) byRawBody.set(rawKey, recorded);
    return recorded;
  };

  const server = createServer((req, res) => {
    const subgraph = /^\/([\w-]+)\/graphql$/.exec(req.url ?? '')?.[1];
    void readBody(req).then(async (raw) => {
      counts.requests++;
      let recorded: Recorded | undefined;
      try {
        recorded = subgraph && req.method === 'POST' ? await answer(subgraph, raw) : undefined;
      } catch (err) {
        recorded = undefined;
        process.stderr.write(`canned subgraphs: ${subgraph}: ${(err as Error).message}\n`);
      }
      if (!recorded) {
        counts.misses++;
        const body = JSON.stringify({ errors: [{ message: `canned subgraphs: no answer recorded for this ${subgraph ?? req.url} request` }] });
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
        return;
      }
      res
        .writeHead(recorded.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(recorded.body),
          ...(recorded.cacheControl ? { 'cache-control': recorded.cacheControl } : {}),
        })
        .end(recorded.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: (subgraph: string) => `http://127.0.0.1:${port}/${subgraph}/graphql`,
    counts,
    recording,
    /** From now on only what was recorded is answered. */
    replay() {
      upstream = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const saveRecording = (file: string, recording: Recording) => writeFileSync(file, JSON.stringify(recording, null, 1));
export const loadRecording = (file: string): Recording => JSON.parse(readFileSync(file, 'utf8')) as Recording;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}
