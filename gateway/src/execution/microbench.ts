/**
 * In-process micro-benchmark of the executors alone: stock ApolloGateway vs LeanGateway, inside
 * Apollo Server, over recorded subgraph answers (no network, no subgraph CPU), so the numbers are
 * the gateway's own CPU per operation and barely move with machine load.
 *
 *   node --import tsx gateway/src/execution/microbench.ts record SUBGRAPHS_JSON OUT.json
 *     (SUBGRAPHS_JSON: {"accounts":"http://…/graphql",…}; records the answers to the bench queries)
 *   node --import tsx gateway/src/execution/microbench.ts run OUT.json [iterations]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { HEAVY_QUERY } from '../../../ops/bench/queries';
import { LeanGateway } from './gateway';

const ROOT = path.join(__dirname, '..', '..', '..');
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
    httpGraphQLRequest: { method: 'POST', headers: new (await import('@apollo/server')).HeaderMap([['content-type', 'application/json']]), search: '', body: q },
    context: async () => ({}),
  });
  if (res.body.kind !== 'complete') throw new Error('chunked');
  return res.body.string;
}

async function main() {
  const [mode, file, iterations = '300'] = process.argv.slice(2);
  if (mode === 'record') {
    const urls = JSON.parse(readFileSync(process.argv[3]!, 'utf8')).subgraphUrls as Record<string, string>;
    const recording: Recording = {};
    const apollo = await server('stock', (name) => {
      const remote = new RemoteGraphQLDataSource({ url: urls[name] });
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
    writeFileSync(process.argv[4]!, JSON.stringify(recording));
    await apollo.stop();
    return;
  }
  const recording = JSON.parse(readFileSync(file!, 'utf8')) as Recording;
  const replay = (name: string): GraphQLDataSource => ({
    process: async (options) => {
      const answer = recording[keyOf(name, { query: options.request.query, variables: options.request.variables })];
      if (!answer) throw new Error(`no recording for ${name}: ${options.request.query}`);
      return JSON.parse(answer);
    },
  });
  const servers = { stock: await server('stock', replay), lean: await server('lean', replay) };
  if (process.env.MICRO_ONLY) {
    // For --cpu-prof: one executor, one query, many times.
    const s = servers[process.env.MICRO_ONLY as 'lean' | 'stock'];
    const q = queries[process.env.MICRO_QUERY ?? 'Heavy']!;
    for (let i = 0; i < Number(iterations); i++) await run(s, q);
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    return;
  }
  for (const [qname, q] of Object.entries(queries)) {
    await Promise.all(Object.values(servers).map((s) => run(s, q))); // plans the operation (stock executor)
    const answers = await Promise.all(Object.values(servers).map((s) => run(s, q)));
    if (answers[0] !== answers[1]) throw new Error(`${qname}: answers differ`);
    const results: Record<string, number[]> = { stock: [], lean: [] };
    for (let round = 0; round < 5; round++) {
      for (const [name, s] of Object.entries(servers)) {
        for (let i = 0; i < 50; i++) await run(s, q); // warm
        const t0 = process.cpuUsage();
        for (let i = 0; i < Number(iterations); i++) await run(s, q);
        const used = process.cpuUsage(t0);
        results[name]!.push((used.user + used.system) / 1000 / Number(iterations));
      }
    }
    const best = (xs: number[]) => Math.min(...xs).toFixed(3);
    console.log(`${qname.padEnd(15)} stock ${best(results.stock!)} ms/op | lean ${best(results.lean!)} ms/op | ×${(Math.min(...results.stock!) / Math.min(...results.lean!)).toFixed(2)}`);
  }
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

void main();
