import { requireViewer, mapStream, type SubgraphContext } from '@cloudlab/kit';
import { Topics, readEvent, type EventData, type EventEnvelope } from '@cloudlab/kit/events';

export const LIVE_TOPICS = [Topics.notifications];

/**
 * `notificationAdded`: the NotificationCreated events any notifications instance records, read
 * from this instance's broadcast subscription (kit/src/server/live-events.ts) and kept to the
 * viewer's own and, for vendor staff, their vendor's.
 */
export const subscriptionResolvers = {
  Subscription: {
    notificationAdded: {
      subscribe: (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        if (!ctx.live) throw new Error('notificationAdded needs the graphql-ws endpoint');
        const viewer = requireViewer(ctx.viewer);
        const events = ctx.live.listen((e) => {
          if (e.type !== 'NotificationCreated') return false;
          const d = e.data as { userId?: unknown; vendorId?: unknown };
          return d.userId === viewer.userId || (viewer.vendorId !== null && d.vendorId === viewer.vendorId);
        });
        return mapStream(events, (e: EventEnvelope) => {
          const created = readEvent('NotificationCreated', e);
          if (created.ok) return created.data;
          ctx.log.warn({ eventId: e.id, reason: created.reason }, 'notificationAdded: malformed event skipped');
          return undefined;
        });
      },
      resolve: (d: Created) => ({
        id: d.notificationId, user_id: d.userId, vendor_id: d.vendorId, kind: d.kind, title: d.title, body: d.body,
        link: d.link, created_at: new Date(d.createdAt), read_at: null,
      }),
    },
  },
};

type Created = EventData<'NotificationCreated'>;
