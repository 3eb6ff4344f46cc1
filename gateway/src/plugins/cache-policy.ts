import type { ApolloServerPlugin } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { boundedMap } from '@cloudlab/kit';
import type { GatewayContext } from '../context';

/** Fields whose answer depends on who asks: an operation that selects one is never shared. */
export const PRIVATE_FIELDS = ['Query.me', 'Query.order', 'Query.payment', 'User.email', 'User.orders'];

/** Whether a document selects any of the given `Type.field` coordinates (through fragments too). */
export function selectsAny(schema: GraphQLSchema, document: DocumentNode, coordinates: ReadonlySet<string>): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && coordinates.has(`${parent.name}.${node.name.value}`)) found = true;
      },
    }),
  );
  return found;
}

/**
 * The gateway's part of the HTTP cache policy. The subgraphs' `@cacheControl` hints come back as
 * their `Cache-Control` headers, which Apollo Gateway folds into overallCachePolicy (smallest
 * max-age, PRIVATE wins); Apollo's cache-control plugin then writes the response's header from it
 * (`max-age=N, public` — a CDN may keep a GET, e.g. a persisted query by id — or `no-store`).
 * Once execution has ended this plugin only ever restricts that policy:
 * - a request with an `Authorization` header, or a query selecting a private field, is PRIVATE
 *   (a browser may keep it, a shared cache may not), whatever the hints say;
 * - anything but a query is not cacheable;
 * - no max-age is longer than `maxAge` seconds (0: nothing is cacheable).
 */
export function cachePolicy(opts: { maxAge: number; privateFields?: string[] }): ApolloServerPlugin<GatewayContext> {
  const privateFields = new Set(opts.privateFields ?? PRIVATE_FIELDS);
  const verdicts = boundedMap<string, boolean>(5000); // per document: selects a private field
  const selectsPrivate = (schema: GraphQLSchema, document: DocumentNode, key: string) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) verdicts.set(key, (verdict = selectsAny(schema, document, privateFields)));
    return verdict;
  };
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ request, operation, schema, document, queryHash, operationName, overallCachePolicy }) {
          const isQuery = operation?.operation === 'query';
          const isPrivate = !!request.http?.headers.get('authorization') || (isQuery && selectsPrivate(schema, document, `${queryHash}:${operationName ?? ''}`));
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
