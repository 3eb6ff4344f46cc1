import { badInput, decodeKeysetCursor, forbidden, isUuid, pageSize, requireViewer, toConnection } from '@cloudlab/kit';
import type { Context as Ctx } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { CUSTOMER_KINDS } from './email';
import type { Kind } from './notices';
import { subscriptionResolvers } from './live';
import type { NotificationRow } from './store';
import * as store from './store';

export const resolvers = {
  User: {
    // Personal: not even admins read someone else's notifications.
    notifications: async (user, args, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.userId !== user.id) throw forbidden('Only the user themself sees their notifications');
      const first = pageSize(args.first, 20);
      const unreadOnly = args.unreadOnly ?? false;
      const [rows, n] = await Promise.all([
        store.page(ctx.db, viewer.userId, viewer.vendorId, { first, after: decodeKeysetCursor(args.after), unreadOnly }),
        store.counts(ctx.db, viewer.userId, viewer.vendorId),
      ]);
      return {
        ...toConnection(rows, first, (r) => [r.created_at.toISOString(), r.id]),
        unreadCount: n.unread,
        totalCount: unreadOnly ? n.unread : n.total,
      };
    },
    notificationPreferences: async (user, _args, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.userId !== user.id) throw forbidden('Only the user themself sees their preferences');
      return { emailKinds: ((await store.emailKinds(ctx.db, viewer.userId)) ?? [...CUSTOMER_KINDS]) as Kind[] };
    },
  },
  Notification: {
    kind: (n) => n.kind as never,
    createdAt: (n) => n.created_at.toISOString(),
    readAt: (n) => n.read_at?.toISOString() ?? null,
  },
  Mutation: {
    markNotificationsRead: async (_, { ids }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      // Ids that cannot name a notification cannot be the viewer's: ignored like others' ids.
      const own = ids == null ? null : ids.filter(isUuid);
      if (own === null || own.length) await store.markRead(ctx.db, viewer.userId, viewer.vendorId, own);
      return { unreadCount: (await store.counts(ctx.db, viewer.userId, viewer.vendorId)).unread };
    },
    watchProductStock: async (_, { productId }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (!isUuid(productId)) throw badInput('productId is not a product id', 'productId');
      // Stock unknown (no StockChanged seen yet) is accepted: the next orderable total ends the watch.
      const stock = await store.stockOf(ctx.db, productId);
      if (stock && stock.available > 0) throw badInput('the product can be ordered now', 'productId');
      await store.addWatch(ctx.db, viewer.userId, productId);
      return { productId };
    },
    updateNotificationPreferences: async (_, { emailKinds }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      const kinds = [...new Set(emailKinds)];
      const other = kinds.find((k) => !CUSTOMER_KINDS.includes(k));
      if (other) throw badInput(`${other} is not sent by e-mail`, 'emailKinds');
      await store.setEmailKinds(ctx.db, viewer.userId, kinds);
      return { emailKinds: kinds };
    },
  },
  ...subscriptionResolvers,
} satisfies Resolvers;

export type { NotificationRow };
