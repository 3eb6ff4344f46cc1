import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Counter } from 'prom-client';
import { IDENTITY_HEADER, registry } from '@cloudlab/kit';
import type { GatewayContext } from './context';
import { leanFetcher } from './execution/fetcher';
import { recordSubgraphAnswer, recordSubgraphFetch } from './plugins/response-cache';

const subgraphRequests = new Counter({
  name: 'cloudlab_gateway_subgraph_requests_total',
  help: 'Requests the gateway sent to each subgraph (fetches of query plans)',
  labelNames: ['subgraph'],
  registers: [registry],
});

/**
 * How the gateway talks to one subgraph: Node's fetch (undici, keep-alive pooled), a hard
 * timeout, the gateway-signed identity header, and failures that name the subgraph.
 * Client headers are never forwarded, so a client cannot pass identity headers through.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly timeoutMs: number,
    /** true: undici's dispatcher directly (execution/fetcher.ts), a third of fetch's CPU per request. */
    lean = false,
  ) {
    super({
      url,
      fetcher: (lean
        ? leanFetcher({ timeoutMs })
        : (input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })) as never,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    subgraphRequests.inc({ subgraph: this.name });
    const identity = await context?.identityToken?.();
    if (identity) request.http?.headers.set(IDENTITY_HEADER, identity);
    recordSubgraphFetch(context, request.variables); // the entities it names tag a cached response
  }

  /** The answer's Cache-Control (the subgraph's @cacheControl hints) decides whether the response cache may keep the response. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    recordSubgraphAnswer(context, response.http?.headers.get('cache-control'));
    return response;
  }

  override didEncounterError(error: Error): never {
    if (error instanceof GraphQLError) throw error;
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : String((error as { cause?: Error }).cause?.message ?? error.message);
    throw new GraphQLError(`Subgraph "${this.name}" is unavailable: ${reason}`, {
      extensions: { code: timedOut ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE', serviceName: this.name },
    });
  }
}
