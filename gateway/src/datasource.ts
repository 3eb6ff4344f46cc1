import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Counter } from 'prom-client';
import { ErrorCode, IDENTITY_HEADER, gatewayAuthHeaders, registry } from '@cloudlab/kit';
import type { GatewayContext } from './context';
import { leanFetcher, type LeanResponse } from './execution/fetcher';
import { dedupingFetcher, type FetchDedupe } from './execution/inflight';
import { guardedFetcher, SubgraphRefusedError, type BreakerOptions } from './breaker';

const subgraphRequests = new Counter({
  name: 'cloudlab_gateway_subgraph_requests_total',
  help: 'Requests the gateway sent to each subgraph (fetches of query plans)',
  labelNames: ['subgraph'],
  registers: [registry],
});

/**
 * Facts a data source reports about each fetch, for whoever listens (the response cache's tags
 * and policy): passed in, so the data source knows no plugin and no plugin's state.
 */
export interface SubgraphObserver {
  fetched(context: object | undefined, variables: Record<string, unknown> | undefined): void;
  answered(context: object | undefined, cacheControl: string | null | undefined): void;
}

/**
 * How the gateway talks to one subgraph: Node's fetch (undici, keep-alive pooled), a hard
 * timeout, the gateway-signed identity header, and failures that name the subgraph.
 * Client headers are never forwarded, so a client cannot pass identity headers through.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly lean?: ReturnType<typeof dedupingFetcher>;

  constructor(
    readonly name: string,
    url: string,
    private readonly timeoutMs: number,
    /** true: undici's dispatcher directly (execution/fetcher.ts), a third of fetch's CPU per request. */
    lean = false,
    /** INTERNAL_SECRET: every request carries the gateway credential subgraphs require (kit/gateway-auth.ts). */
    private readonly secret?: string,
    /** Told about every fetch and answer (the response cache's tags and policy). */
    private readonly observer?: SubgraphObserver,
    /** SUBGRAPH_FETCH_DEDUPE: identical query fetches of the lean path share one request (execution/inflight.ts). */
    dedupe: FetchDedupe = 'off',
    /** Circuit breaker and bulkhead for this subgraph (breaker.ts); unset: none. */
    breaker?: BreakerOptions,
  ) {
    const plain = lean ? leanFetcher({ timeoutMs }) : undefined;
    const direct = plain && breaker ? guardedFetcher(name, plain, breaker) : plain;
    const viaFetch = (input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    super({
      url,
      fetcher: (direct ?? (breaker ? guardedFetcher(name, viaFetch, breaker) : viaFetch)) as never,
    });
    // Counted when a request really goes out (a fetch sharing another's answer sends none).
    this.lean = direct && dedupingFetcher((input, init) => (subgraphRequests.inc({ subgraph: name }), direct(input, init)), dedupe, name);
  }

  /**
   * The lean executor's call (execution/execute.ts): what `process()` does for a query-plan fetch
   * — identity header, metrics, cache tags, the same errors, the subgraph's Cache-Control applied
   * to the response's policy — without node-fetch Headers and Request objects per call or a copy
   * of the answer. Undefined when this data source is not on the lean fetcher.
   */
  get fetchForPlan() {
    return this.lean ? this.sendForPlan : undefined;
  }

  private sendForPlan = async (
    request: { query: string; variables: Record<string, unknown>; operationName?: string },
    incoming: { context: GatewayContext; overallCachePolicy?: unknown },
  ): Promise<{ data?: unknown; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> }> => {
    const context = incoming.context;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...gatewayAuthHeaders(this.secret) };
    const identity = await context?.identityToken?.();
    if (identity) headers[IDENTITY_HEADER] = identity;
    this.observer?.fetched(context, request.variables);
    let response: LeanResponse;
    let body: unknown;
    try {
      response = await this.lean!(this.url!, { method: 'POST', headers, body: JSON.stringify(request) }, context);
      if (!response.ok) throw await this.errorFromResponse(response as never);
      body = await this.parseBody(response as never);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error(`Expected JSON response body, but received: ${body}`);
    } catch (error) {
      this.didEncounterError(error as Error);
    }
    const cacheControl = response.headers.get('cache-control');
    this.observer?.answered(context, cacheControl);
    const policy = incoming.overallCachePolicy as { restrict(hint: unknown): void } | undefined;
    if (policy && typeof policy === 'object' && 'restrict' in policy) {
      // RemoteGraphQLDataSource.respond(), as is.
      const parsed = parseCacheControlHeader(cacheControl ?? undefined);
      const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
      const maxAge = parsed['max-age'];
      if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = +maxAge;
      if (parsed['private'] === true) hint.scope = 'PRIVATE';
      if (parsed['public'] === true) hint.scope = 'PUBLIC';
      policy.restrict(hint);
    }
    return body as { data?: unknown; errors?: GraphQLFormattedError[] };
  };

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    subgraphRequests.inc({ subgraph: this.name });
    for (const [name, value] of Object.entries(gatewayAuthHeaders(this.secret))) request.http?.headers.set(name, value);
    const identity = await context?.identityToken?.();
    if (identity) request.http?.headers.set(IDENTITY_HEADER, identity);
    this.observer?.fetched(context, request.variables); // the entities it names tag a cached response
  }

  /** The answer's Cache-Control (the subgraph's @cacheControl hints) decides whether the response cache may keep the response. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    this.observer?.answered(context, response.http?.headers.get('cache-control'));
    return response;
  }

  override didEncounterError(error: Error): never {
    if (error instanceof GraphQLError) throw error;
    // Refused without being sent (circuit open, bulkhead full): at once, not after a timeout.
    if (error instanceof SubgraphRefusedError) {
      throw new GraphQLError(`Subgraph "${this.name}" is unavailable: ${error.message}`, {
        extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: this.name, refused: error.reason },
      });
    }
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : String((error as { cause?: Error }).cause?.message ?? error.message);
    throw new GraphQLError(`Subgraph "${this.name}" is unavailable: ${reason}`, {
      extensions: { code: timedOut ? ErrorCode.SUBGRAPH_TIMEOUT : ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: this.name },
    });
  }
}
