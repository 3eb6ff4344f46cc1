import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { enforceAuthDirective } from '../auth-directive';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { mercuriusFederationPlugin } from '@mercuriusjs/federation';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { maskError } from '../error-masking';
import { cacheControlHeader, memoizedCachePolicyOf, type CachePolicy } from './cache-hints';
import type { SubgraphContext } from './context';
import type { SubgraphDefinition } from './definition';

type ContextFn = (req: FastifyRequest) => Promise<SubgraphContext<any>>;

/** Mounts the subgraph on /graphql; returns its executable schema (graphql-ws serves it too). */
export async function mountApollo(app: FastifyInstance, def: SubgraphDefinition<any>, context: ContextFn, production: boolean): Promise<GraphQLSchema> {
  const schema = enforceAuthDirective(buildSubgraphSchema({ typeDefs: parse(def.typeDefs), resolvers: def.resolvers as GraphQLResolverMap<any> }));
  const apollo = new ApolloServer<SubgraphContext<any>>({
    schema,
    // Inline (ftv1) traces are for Apollo Studio, which we do not use; they cost CPU per field.
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
    // The process owns its drain (run.ts): Apollo's own handler would stop it mid-request and re-send SIGTERM (exit 143).
    stopOnTerminationSignals: false,
    introspection: true,
    // Compact JSON: Apollo Server pretty-prints by default, which costs CPU here and bytes and
    // parsing time at the gateway on every subgraph fetch.
    stringifyResult: (result) => JSON.stringify(result),
    // The kit's one masking function: internal errors logged with the trace id, hidden in production.
    formatError: (formatted, error) => maskError(formatted, error, { production, log: app.log }),
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), { context });
  return schema;
}

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
