import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { acceptsDeferSpec, markStreamable, takeStream, type SubsequentPayload } from '../execution/defer';

/**
 * Incremental delivery (`@defer`) over HTTP: Apollo Server 5 streams `multipart/mixed;
 * deferSpec=20220824` only for results graphql-js 17 produces, never for a gateway's. This plugin
 * marks requests whose client accepts that format (the lean executor then streams their `@defer`
 * operations, execution/defer.ts) and, once execution has ended, turns such a request's single
 * result into Apollo Server's incremental body: the initial result (with `hasNext: true`), then
 * each deferred part as it comes, its errors formatted like any other. Apollo Server writes the
 * multipart body; its cache-control plugin answers `no-store` for it, and the response cache
 * (which stores only single results) never keeps a partial answer.
 */
export function incrementalDelivery(opts: { formatError: (error: GraphQLError) => GraphQLFormattedError }): ApolloServerPlugin {
  // As Apollo Server does for the initial result: anything thrown becomes a GraphQLError first.
  const formatError = (error: unknown) =>
    opts.formatError(
      typeof (error as GraphQLError)?.toJSON === 'function'
        ? (error as GraphQLError)
        : new GraphQLError((error as Error)?.message ?? String(error), { originalError: error instanceof Error ? error : undefined }),
    );
  const format = async function* (stream: AsyncIterable<SubsequentPayload>) {
    for await (const payload of stream) {
      yield {
        hasNext: payload.hasNext,
        ...(payload.incremental
          ? {
              incremental: payload.incremental.map((item) => ({
                ...item,
                ...(item.errors ? { errors: item.errors.map(formatError) } : {}),
                ...(item.extensions?.valueCompletion
                  ? { extensions: { ...item.extensions, valueCompletion: (item.extensions.valueCompletion as unknown[]).map(formatError) } }
                  : {}),
              })),
            }
          : {}),
      };
    }
  };
  return {
    async requestDidStart(rc) {
      const context = rc.contextValue as object | undefined;
      if (!context || typeof context !== 'object' || !acceptsDeferSpec(rc.request.http?.headers.get('accept'))) return;
      markStreamable(context);
      return {
        async executionDidStart() {
          return {
            async executionDidEnd(error) {
              const stream = takeStream(context);
              if (!stream || error || rc.response.body?.kind !== 'single') return;
              const { singleResult } = rc.response.body;
              rc.response.body = {
                kind: 'incremental',
                initialResult: { ...singleResult, hasNext: true },
                subsequentResults: format(stream) as never,
              };
            },
          };
        },
      };
    },
  };
}
