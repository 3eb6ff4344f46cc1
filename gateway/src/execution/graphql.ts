/**
 * graphql-js as @apollo/gateway and Apollo Server load it. Errors created here must pass their
 * `instanceof GraphQLError` checks and variable coercion must accept the schema's own scalar
 * types, which breaks if another copy of graphql (an ESM build, as under vitest) is loaded.
 */
import { createRequire } from 'node:module';

const gatewayRequire = createRequire(require.resolve('@apollo/gateway'));
const graphql = gatewayRequire('graphql') as typeof import('graphql');

export const { GraphQLError, getVariableValues } = graphql;
