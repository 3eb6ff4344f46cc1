/**
 * `pnpm bench executor [--quick] [--only lean|stock]`: the executors alone, stock ApolloGateway
 * vs LeanGateway, inside Apollo Server, over recorded subgraph answers (no network, no subgraph
 * CPU), so the numbers are the gateway's own CPU per operation and barely move with machine load.
 * A fresh stack (subgraphs only) answers the bench queries once to record them, then stops.
 * `--only lean` runs one executor on one query (`MICRO_QUERY`, default Heavy) for `--cpu-prof`.
 * Prints a table, then one JSON line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { gatewayAuthHeaders } from '@cloudlab/kit';
import { LeanGateway } from '../../gateway/src/execution/gateway';
import { benchStack } from './bench-stack';
import { HEAVY_QUERY } from './queries';
import { ROOT } from '../stack';

const supergraphSdl = readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');

const queries: Record<string, { query: string; operationName: string; variables?: Record<string, unknown> }> = {
  Heavy: { query: HEAVY_QUERY, operationName: 'Heavy' },
  StorefrontHome: { query: readFileSync(path.join(ROOT, 'clients', 'operations', 'storefront.graphql'), 'utf8'), operationName: 'StorefrontHome', variables: {} },
};

type Recording = Record<string, string>;
const keyOf = (name: string, body: unknown) => `${name} ${JSON.stringify(body)}`;

async function server(kind: 'stock' | 'lean', service: (name: string) => GraphQLDataSource) {
  const Gateway = kind === 'lean' ? LeanGateway : ApolloGateway;
  const gateway = new Gateway({ supergraphSdl, buildService: ({ name }) => service(name) });
  const apollo = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await apollo.start();
  return apollo;
}

async function run(apollo: ApolloServer, q: (typeof queries)[string]) {
  const res = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: q },
    context: async () => ({}),
  });
  if (res.body.kind !== 'complete') throw new Error('chunked');
  return res.body.string;
}

/** Answers of the real subgraphs to the bench queries, keyed by subgraph and request. */
async function record(): Promise<Recording> {
  const stack = await benchStack({ gateway: false });
  const recording: Recording = {};
  try {
    const apollo = await server('stock', (name) => {
      const remote = new RemoteGraphQLDataSource({
        url: stack.subgraphUrls[name],
        // Subgraphs answer the gateway only (the stack shares INTERNAL_SECRET through the env).
        willSendRequest({ request }) {
          for (const [header, value] of Object.entries(gatewayAuthHeaders(process.env.INTERNAL_SECRET))) request.http?.headers.set(header, value);
        },
      });
      return {
        process: async (options) => {
          const response = await remote.process(options);
          const { http, ...body } = response as typeof response & { http?: unknown };
          void http;
          recording[keyOf(name, { query: options.request.query, variables: options.request.variables })] = JSON.stringify(body);
          return response;
        },
      };
    });
    for (const q of Object.values(queries)) await run(apollo, q);
    await apollo.stop();
  } finally {
    await stack.stop();
  }
  return recording;
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] as 'lean' | 'stock') : undefined;
  const iterations = args.includes('--quick') ? 100 : 300;
  const recording = await record();
  const replay = (name: string): GraphQLDataSource => ({
    process: async (options) => {
      const answer = recording[keyOf(name, { query: options.request.query, variables: options.request.variables })];
      if (!answer) throw new Error(`no recording for ${name}: ${options.request.query}`);
      return JSON.parse(answer);
    },
  });
  const servers = { stock: await server('stock', replay), lean: await server('lean', replay) };
  if (only) {
    // For --cpu-prof: one executor, one query, many times.
    const q = queries[process.env.MICRO_QUERY ?? 'Heavy']!;
    for (let i = 0; i < iterations * 10; i++) await run(servers[only], q);
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    return;
  }
  const summary: Record<string, { stock_ms: number; lean_ms: number; ratio: number }> = {};
  for (const [qname, q] of Object.entries(queries)) {
    await Promise.all(Object.values(servers).map((s) => run(s, q))); // plans the operation (stock executor)
    const answers = await Promise.all(Object.values(servers).map((s) => run(s, q)));
    if (answers[0] !== answers[1]) throw new Error(`${qname}: answers differ`);
    const results: Record<string, number[]> = { stock: [], lean: [] };
    for (let round = 0; round < 5; round++) {
      for (const [name, s] of Object.entries(servers)) {
        for (let i = 0; i < 50; i++) await run(s, q); // warm
        const t0 = process.cpuUsage();
        for (let i = 0; i < iterations; i++) await run(s, q);
        const used = process.cpuUsage(t0);
        results[name]!.push((used.user + used.system) / 1000 / iterations);
      }
    }
    const stock = Math.min(...results.stock!);
    const lean = Math.min(...results.lean!);
    summary[qname] = { stock_ms: Number(stock.toFixed(3)), lean_ms: Number(lean.toFixed(3)), ratio: Number((stock / lean).toFixed(2)) };
    console.log(`${qname.padEnd(15)} stock ${stock.toFixed(3)} ms/op | lean ${lean.toFixed(3)} ms/op | ×${(stock / lean).toFixed(2)}`);
  }
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  console.log(JSON.stringify({ bench: 'executor', iterations, cpu_ms_per_op: summary }));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
