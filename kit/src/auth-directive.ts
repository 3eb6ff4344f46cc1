import { defaultFieldResolver, GraphQLObjectType, Kind, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';
import { requireRole, requireViewer, type Role } from './identity';
import type { SubgraphContext } from './server/context';

/**
 * `@auth` in a subgraph schema: who may resolve a field, declared next to the field.
 *
 *   directive @auth(requires: [String!]) on FIELD_DEFINITION
 *   restock(...): Stock! @auth(requires: ["VENDOR", "ADMIN"])   # these roles only
 *   me: User @auth                                              # anyone signed in
 *
 * Enforced by the kit on both engines before the field's resolver runs: no viewer →
 * UNAUTHENTICATED, a viewer without a listed role → FORBIDDEN. Domain rules that depend on the
 * data (a vendor's *own* products) stay in the resolvers. Our own directive, because
 * @apollo/gateway refuses supergraphs that use Federation's @authenticated/@requiresScopes.
 */
export const AUTH_DIRECTIVE_SDL = 'directive @auth(requires: [String!]) on FIELD_DEFINITION';

const ROLES: Role[] = ['CUSTOMER', 'VENDOR', 'ADMIN'];

/** Wraps the resolver of every field marked @auth, in place (entity resolvers stay intact). */
export function enforceAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'auth');
      if (!directive) continue;
      const roles = requiredRoles(directive, `${type.name}.${field.name}`);
      const resolve = field.resolve ?? defaultFieldResolver;
      const subscribe = field.subscribe;
      const check = (ctx: SubgraphContext) => (roles.length ? requireRole(ctx.viewer, ...roles) : requireViewer(ctx.viewer));
      field.resolve = (source, args, ctx, info) => {
        check(ctx as SubgraphContext);
        return resolve(source, args, ctx, info);
      };
      if (subscribe) {
        field.subscribe = (source, args, ctx, info) => {
          check(ctx as SubgraphContext);
          return subscribe(source, args, ctx, info);
        };
      }
    }
  }
  return schema;
}

function requiredRoles(directive: ConstDirectiveNode, where: string): Role[] {
  const arg = directive.arguments?.find((a) => a.name.value === 'requires')?.value;
  if (!arg) return [];
  const values = arg.kind === Kind.LIST ? arg.values : [arg];
  return values.map((v) => {
    const role = (v.kind === Kind.STRING || v.kind === Kind.ENUM ? v.value : '') as Role;
    if (!ROLES.includes(role)) throw new Error(`@auth on ${where}: unknown role ${JSON.stringify(role)} (roles: ${ROLES.join(', ')})`);
    return role;
  });
}

