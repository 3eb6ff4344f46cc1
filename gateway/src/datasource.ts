import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { IDENTITY_HEADER } from '@cloudlab/kit';
import type { GatewayContext } from './context';

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
  ) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) =>
        fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })) as never,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = await context?.identityToken?.();
    if (identity) request.http?.headers.set(IDENTITY_HEADER, identity);
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
