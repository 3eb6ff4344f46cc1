import { requireViewer, unauthenticated, type SubgraphContext } from '@cloudlab/kit';
import type { Loaders } from './loaders';
import { authPayload, createVendor, joinVendor, signUp } from './onboarding';
import { verifyPassword } from './passwords';
import * as store from './store';
import type { UserRow } from './store';
import type { Resolvers } from './generated/resolvers';

type Ctx = SubgraphContext<Loaders>;

export const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Ctx) => ctx.loaders.user.load(requireViewer(ctx.viewer).userId),
    vendors: (_: unknown, __: unknown, ctx: Ctx) => store.allVendors(ctx.db),
    vendor: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.loaders.vendor.load(id),
  },
  Mutation: {
    login: async (_: unknown, args: { email: string; password: string }, ctx: Ctx) => {
      const user = await store.userByEmail(ctx.db, args.email.trim());
      // One message for unknown email and wrong password: no account enumeration.
      if (!(await verifyPassword(args.password, user?.password_hash ?? null)) || !user) {
        throw unauthenticated('Invalid email or password');
      }
      ctx.loaders.user.prime(user.id, user);
      return authPayload(ctx.db, user);
    },
    signUp: async (_: unknown, { input }: { input: { email: string; password: string; name: string } }, ctx: Ctx) =>
      authPayload(ctx.db, await signUp(ctx.db, input)),
    createVendor: (_: unknown, { name }: { name: string }, ctx: Ctx) => createVendor(ctx.db, requireViewer(ctx.viewer), name),
    joinVendor: async (_: unknown, { invitationCode }: { invitationCode: string }, ctx: Ctx) => {
      const user = await joinVendor(ctx.db, requireViewer(ctx.viewer), invitationCode);
      ctx.loaders.user.clear(user.id).prime(user.id, user);
      return authPayload(ctx.db, user);
    },
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.user.load(ref.id),
    email: (u: UserRow, _: unknown, ctx: Ctx) =>
      ctx.viewer && (ctx.viewer.userId === u.id || ctx.viewer.role === 'ADMIN') ? u.email : null,
    vendor: (u: UserRow, _: unknown, ctx: Ctx) => (u.vendor_id ? ctx.loaders.vendor.load(u.vendor_id) : null),
  },
  Vendor: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.vendor.load(ref.id),
  },
} satisfies Resolvers;
