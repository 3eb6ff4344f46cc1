import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse, type GraphQLSchema } from 'graphql';
import { enforceAuthDirective } from '../auth-directive';
import { maskError } from '../error-masking';
import type { ContextFn, SubgraphContext } from './context';
import type { SubgraphDefinition } from './definition';

// The Apollo Server engine (`engine: 'apollo'`); run.ts loads this module only for subgraphs on it.

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
