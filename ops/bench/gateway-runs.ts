import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../stack';
import type { LoadResult } from './load';
import type { CpuPerRequest } from './measure';
import { HEAVY_QUERY } from './queries';

/**
 * What both modes of `pnpm bench gateway` share: the queries, Cloud Lab's gateway settings, the
 * alternating rounds and their summary.
 */

/** The request bodies measured: the storefront's home page and the heavy 4-subgraph nested query. */
export function benchQueries(): Record<string, string> {
  const storefront = readFileSync(path.join(ROOT, 'clients', 'operations', 'storefront.graphql'), 'utf8');
  return {
    StorefrontHome: JSON.stringify({ query: storefront, operationName: 'StorefrontHome', variables: {} }),
    Heavy: JSON.stringify({ query: HEAVY_QUERY, operationName: 'Heavy' }),
  };
}

/**
 * Cloud Lab's gateway as it runs in production, less the response cache: JWT auth, operation
 * limits, rate limits (on, out of reach), OpenTelemetry exporting every span to `otlpUrl`,
 * identical in-flight subgraph fetches shared (SUBGRAPH_FETCH_DEDUPE's default).
 */
export const productionGatewayEnv = (otlpUrl: string): Record<string, string> => ({
  NODE_ENV: 'production',
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  RESPONSE_CACHE_ENABLED: 'false',
  RATE_LIMIT_ANON_PER_MIN: '100000000',
  RATE_LIMIT_USER_PER_MIN: '100000000',
});

/** Cloud Lab's gateway with every edge feature off, to price the features themselves (`--edge`). */
export const bareGatewayEnv: Record<string, string> = {
  NODE_ENV: 'production',
  OTEL_SDK_DISABLED: 'true',
  RESPONSE_CACHE_ENABLED: 'false',
  RATE_LIMIT_ENABLED: 'false',
  OPERATION_MAX_DEPTH: '1000',
  OPERATION_MAX_ALIASES: '100000',
  OPERATION_MAX_COST: '100000000',
};

/**
 * A warm-up of every gateway, then `rounds` rounds in which each takes its turn, so drift of a
 * shared machine falls on all of them alike.
 */
export async function alternatingRounds<R extends LoadResult>(
  names: string[],
  rounds: number,
  warmUp: (name: string) => Promise<unknown>,
  measure: (name: string) => Promise<R>,
): Promise<Record<string, R[]>> {
  const results: Record<string, R[]> = Object.fromEntries(names.map((g) => [g, []]));
  for (const g of names) await warmUp(g);
  for (let r = 0; r < rounds; r++) for (const g of names) results[g]!.push(await measure(g));
  return results;
}

export type RoundsSummary = ReturnType<typeof summarizeRounds>;

/** Mean requests/s over the rounds; the median round's latency percentiles; mean CPU per request. */
export function summarizeRounds(list: (LoadResult & { cpu_ms?: CpuPerRequest })[]) {
  const byRps = [...list].sort((a, b) => a.rps - b.rps);
  const median = byRps[Math.floor(byRps.length / 2)]!;
  const cpu = meanByKey(list.map((r) => r.cpu_ms ?? {}));
  return {
    rps: Math.round(list.reduce((sum, r) => sum + r.rps, 0) / list.length),
    latency_ms: median.latency_ms,
    errors: list.reduce((sum, r) => sum + r.errors, 0),
    rounds: list.map((r) => r.rps),
    cpu,
    cpu_ms: cpu.gateway ?? 0,
  };
}

/** The mean of each key over the rounds (CPU ms per request of each process group, each CPU's busy share). */
export function meanByKey(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(list[0] ?? {})) out[name] = Math.round((list.reduce((sum, c) => sum + (c[name] ?? 0), 0) / list.length) * 100) / 100;
  return out;
}

/** "   126 rps p50 … p95 … p99 … ms cpu 3.2 ms/req" */
export const fmt = (r: RoundsSummary) =>
  `${String(r.rps).padStart(6)} rps p50 ${r.latency_ms.p50} p95 ${r.latency_ms.p95} p99 ${r.latency_ms.p99} ms cpu ${r.cpu_ms} ms/req${r.errors ? ` errors ${r.errors}` : ''}`;
