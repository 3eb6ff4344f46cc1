import { mercuriusFederationPlugin } from '@mercuriusjs/federation';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLError } from 'graphql';
import { enforceAuthDirective } from '../auth-directive';
import { maskError } from '../error-masking';
import { cacheControlHeader, memoizedCachePolicyOf, type CachePolicy } from './cache-hints';
import type { ContextFn } from './context';
import type { SubgraphDefinition } from './definition';

// The mercurius engine (`engine: 'mercurius'`, graphql-jit); run.ts loads this module only for subgraphs on it.

export async function mountMercurius(app: FastifyInstance, def: SubgraphDefinition<any>, context: ContextFn, production: boolean) {
  await app.register(mercuriusFederationPlugin, {
    schema: def.typeDefs,
    resolvers: def.resolvers,
    schemaTransforms: [enforceAuthDirective],
    graphiql: false,
    path: '/graphql',
    // Compile a query with graphql-jit once it has been seen twice: the gateway sends the same
    // few documents over and over.
    jit: 1,
    context: (req: FastifyRequest) => context(req),
    errorFormatter: (execution: { errors?: readonly GraphQLError[]; data?: unknown }, ctx: unknown) => {
      const errors = (execution.errors ?? []).map((err) => {
        const original = (err.originalError ?? err) as Partial<GraphQLError>;
        const extensions = { ...err.extensions, ...(original.extensions ?? {}) };
        return maskError({ message: err.message, path: err.path, locations: err.locations, extensions }, err, { production, log: app.log });
      });
      void ctx;
      return { statusCode: 200, response: { data: execution.data ?? null, errors } };
    },
  } as any);
  // mercurius has no cache-control plugin: work out the policy from the schema's @cacheControl
  // hints as Apollo Server would, and send the Cache-Control header the gateway reads.
  const policies = new WeakMap<object, CachePolicy | null>();
  app.graphql.addHook('preExecution', async (schema, document, ctx, variables) => void policies.set(ctx, memoizedCachePolicyOf(schema, document, variables)));
  app.graphql.addHook('onResolution', async (execution, ctx) => {
    ctx.reply.header('cache-control', cacheControlHeader(execution.errors?.length ? null : (policies.get(ctx) ?? null)));
  });
}
