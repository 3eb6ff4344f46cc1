import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';

/**
 * The gateway's part of the HTTP cache policy. Which answers are private is the schema's to say:
 * each subgraph's `@cacheControl` hints (`scope: PRIVATE` on `Query.me`, `User.email`, …) come
 * back as its answer's `Cache-Control` header (`private`), which the data source folds into
 * overallCachePolicy (smallest max-age, PRIVATE wins; a field without a hint makes the answer
 * uncacheable); Apollo's cache-control plugin then writes the response's header from it
 * (`max-age=N, public` — a CDN may keep a GET, e.g. a persisted query by id — or `no-store`).
 * Once execution has ended this plugin only ever restricts that policy:
 * - a request with an `Authorization` header is PRIVATE (a browser may keep it, a shared cache
 *   may not), whatever the hints say: the caller's identity may have shaped the answer;
 * - anything but a query is not cacheable;
 * - no max-age is longer than `maxAge` seconds (0: nothing is cacheable).
 */
export function cachePolicy(opts: { maxAge: number }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ request, operation, overallCachePolicy }) {
          const isQuery = operation?.operation === 'query';
          const isPrivate = !!request.http?.headers.get('authorization');
          return {
            async executionDidEnd() {
              if (!isQuery) overallCachePolicy.restrict({ maxAge: 0 });
              if (isPrivate) overallCachePolicy.restrict({ scope: 'PRIVATE' });
              // Only a policy the subgraphs made cacheable is capped (restricting an unset one would set it).
              if (overallCachePolicy.maxAge !== undefined) overallCachePolicy.restrict({ maxAge: opts.maxAge });
            },
          };
        },
      };
    },
  };
}
