import { BrokenCircuitError, BulkheadRejectedError, CircuitState, ConsecutiveBreaker, bulkhead, circuitBreaker, handleWhen, wrap } from 'cockatiel';
import { Counter, Gauge } from 'prom-client';
import { registry } from '@cloudlab/kit';

export interface BreakerOptions {
  /** Consecutive failures (refused, reset, timed out, HTTP 5xx) that open the circuit. */
  failures: number;
  /** How long an open circuit fails fast before one probe request may try the subgraph again. */
  halfOpenAfterMs: number;
  /** Requests to this subgraph at once (bulkhead); 0: unbounded. */
  maxConcurrent: number;
  /** Requests that may wait for a slot; beyond that they are refused at once. */
  maxQueued: number;
}

/** 0 closed, 1 open, 2 half-open (probing), 3 isolated: cockatiel's CircuitState values. */
const circuitState = new Gauge({
  name: 'cloudlab_gateway_subgraph_circuit_state',
  help: 'Circuit breaker state per subgraph: 0 closed, 1 open (failing fast), 2 half-open (one probe request)',
  labelNames: ['subgraph'],
  registers: [registry],
});
const rejected = new Counter({
  name: 'cloudlab_gateway_subgraph_rejections_total',
  help: 'Subgraph fetches refused without being sent: reason circuit (breaker open) or bulkhead (too many at once)',
  labelNames: ['subgraph', 'reason'],
  registers: [registry],
});
const opened = new Counter({
  name: 'cloudlab_gateway_subgraph_circuit_opened_total',
  help: 'Times a subgraph circuit breaker opened',
  labelNames: ['subgraph'],
  registers: [registry],
});

/** A fetch refused by the breaker or the bulkhead: the data source names it SUBGRAPH_UNAVAILABLE. */
export class SubgraphRefusedError extends Error {
  constructor(
    readonly reason: 'circuit' | 'bulkhead',
    message: string,
  ) {
    super(message);
    this.name = 'SubgraphRefusedError';
  }
}

/**
 * A subgraph fetcher behind a circuit breaker and a bulkhead (cockatiel):
 * - `failures` failed fetches in a row (no connection, reset, timeout, HTTP 5xx) open the
 *   circuit: fetches fail at once with SubgraphRefusedError('circuit') instead of each waiting
 *   for SUBGRAPH_TIMEOUT_MS, so a hung subgraph costs the other subgraphs' fields nothing;
 * - after `halfOpenAfterMs` one fetch goes through as a probe: success closes the circuit,
 *   failure opens it again for another period;
 * - at most `maxConcurrent` fetches to this subgraph at once, `maxQueued` waiting: a slow subgraph
 *   cannot hold every socket and every request of the gateway.
 * GraphQL errors in a 200 answer are answers, not failures.
 */
export function guardedFetcher<A extends unknown[], R extends { status: number }>(name: string, fetcher: (...args: A) => Promise<R>, opts: BreakerOptions) {
  const failure = handleWhen((err) => !(err instanceof BulkheadRejectedError)).orWhenResult((r) => (r as R).status >= 500);
  const breaker = circuitBreaker(failure, { halfOpenAfter: opts.halfOpenAfterMs, breaker: new ConsecutiveBreaker(opts.failures) });
  const policy = opts.maxConcurrent > 0 ? wrap(breaker, bulkhead(opts.maxConcurrent, opts.maxQueued)) : breaker;
  circuitState.set({ subgraph: name }, CircuitState.Closed);
  breaker.onStateChange((state) => {
    circuitState.set({ subgraph: name }, state);
    if (state === CircuitState.Open) opened.inc({ subgraph: name });
  });
  const guarded = async (...args: A): Promise<R> => {
    try {
      return await policy.execute(() => fetcher(...args));
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        rejected.inc({ subgraph: name, reason: 'circuit' });
        throw new SubgraphRefusedError('circuit', `circuit open after ${opts.failures} failures in a row; next probe within ${opts.halfOpenAfterMs} ms`);
      }
      if (err instanceof BulkheadRejectedError) {
        rejected.inc({ subgraph: name, reason: 'bulkhead' });
        throw new SubgraphRefusedError('bulkhead', `more than ${opts.maxConcurrent} requests at once and ${opts.maxQueued} waiting`);
      }
      throw err;
    }
  };
  return Object.assign(guarded, { state: () => breaker.state });
}
