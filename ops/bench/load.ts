import { Agent, request } from 'node:http';
import { gatewayAuthHeaders } from '@cloudlab/kit';
import { percentiles } from './stats';

/**
 * A closed-loop HTTP load generator, run as its own process so it does not share the gateway's
 * CPU budget: `connections` keep-alive connections each send the next request as soon as the
 * previous answered, for `seconds`. Prints one JSON line: requests/s, latency percentiles, errors.
 * Usage: node --import tsx ops/bench/load.ts URL BODY_FILE CONNECTIONS SECONDS
 */
export interface LoadResult {
  rps: number;
  requests: number;
  errors: number;
  latency_ms: Record<string, number>;
}

async function main() {
  const [url, bodyJson, connections, seconds] = process.argv.slice(2);
  const target = new URL(url!);
  const body = Buffer.from(bodyJson!);
  // Subgraphs answer the gateway only (floor.ts loads them directly); a gateway ignores it.
  const auth = gatewayAuthHeaders(process.env.INTERNAL_SECRET);
  const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + Number(seconds) * 1000;

  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, ...auth } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200 || text.includes('"errors"')) errors++;
            else latencies.push(performance.now() - started);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });

  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(connections) }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const result: LoadResult = {
    rps: Math.round((latencies.length / elapsed) * 10) / 10,
    requests: latencies.length,
    errors,
    latency_ms: latencies.length ? percentiles(latencies, [50, 95, 99]) : { p50: 0, p95: 0, p99: 0 },
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) void main();
