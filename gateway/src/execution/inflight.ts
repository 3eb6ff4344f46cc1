/**
 * Fewer subgraph requests: identical query fetches share one HTTP exchange.
 *
 * Two fetches are identical when they go to the same subgraph URL with the same body (operation
 * text, variables — entity representations included — and operation name) on behalf of the same
 * caller: the identity header the gateway signs for the viewer (none for anonymous callers) is
 * part of the key, so an answer never reaches a caller other than the one it was asked for (a
 * signed-in user and an anonymous caller, or two users, never share). Only queries share;
 * mutations (and anything else) always go out on their own.
 *
 * * `request`: within one client request (identical fetches of one plan, e.g. the same entity
 *   fetch reached through two paths) — the answer is kept for the request's lifetime.
 * * `inflight` (also covers `request`'s concurrent case): between all requests in flight at the
 *   moment, as Hive Gateway does by default: a fetch identical to one still waiting for its answer
 *   waits for that answer instead of sending its own. Nothing is kept once the answer is in.
 *
 * A mutation's fetch, once answered, ends all sharing of fetches sent before it (they may have
 * read what it changed): later fetches go out on their own, so a caller reads its own writes.
 *
 * Each caller still runs its own data-source steps on the shared answer (its own JSON.parse, so no
 * two requests share objects; its own cache-control hints, response-cache tags, errors).
 */
import { Counter } from 'prom-client';
import { IDENTITY_HEADER, registry } from '@cloudlab/kit';
import type { LeanResponse } from './fetcher';

export type FetchDedupe = 'off' | 'request' | 'inflight';

type Init = { method?: string; headers?: Record<string, string>; body?: string };
type Fetch = (input: string, init?: Init) => Promise<LeanResponse>;

const shared = new Counter({
  name: 'cloudlab_gateway_subgraph_fetches_shared_total',
  help: 'Subgraph query fetches answered by an identical fetch already sent (same subgraph, body and caller identity): mode="request" within one request, "inflight" across requests in flight',
  labelNames: ['subgraph', 'mode'],
  registers: [registry],
});

/** Whether a plan fetch's JSON body carries a query (the planner prints `query …` or `{…}`). */
export function isQueryBody(body: string | undefined): boolean {
  if (!body || !body.startsWith('{"query":"')) return false;
  const c = body.charCodeAt(10);
  return c === 0x7b /* { */ || body.startsWith('query', 10);
}

/** Every `inflight` table: a finished mutation empties them all. */
const tables = new Set<Map<string, Promise<LeanResponse>>>();
function forgetInFlight() {
  for (const table of tables) table.clear();
}

/**
 * Wraps a subgraph fetcher. `scope` is the client request the fetch belongs to (its context object).
 */
export function dedupingFetcher(fetch: Fetch, mode: FetchDedupe, subgraph: string) {
  const inFlight = new Map<string, Promise<LeanResponse>>();
  const perRequest = new WeakMap<object, Map<string, Promise<LeanResponse>>>();
  const counted = mode === 'off' ? undefined : shared.labels(subgraph, mode);
  if (mode === 'inflight') tables.add(inFlight);
  return (input: string, init: Init, scope: object | undefined): Promise<LeanResponse> => {
    if (mode === 'off') return fetch(input, init);
    if (!isQueryBody(init.body)) {
      const answer = fetch(input, init);
      answer.then(forgetInFlight, forgetInFlight);
      return answer;
    }
    const key = `${input}\n${init.headers?.[IDENTITY_HEADER] ?? ''}\n${init.body}`;
    let table: Map<string, Promise<LeanResponse>>;
    if (mode === 'request') {
      if (!scope) return fetch(input, init);
      table = perRequest.get(scope) ?? new Map();
      perRequest.set(scope, table);
    } else {
      table = inFlight;
    }
    const existing = table.get(key);
    if (existing) {
      counted!.inc();
      return existing;
    }
    const answer = fetch(input, init);
    table.set(key, answer);
    if (mode === 'inflight') {
      const done = () => {
        if (table.get(key) === answer) table.delete(key);
      };
      answer.then(done, done);
    }
    return answer;
  };
}
