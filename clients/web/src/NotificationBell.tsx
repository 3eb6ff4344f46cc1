import { useEffect, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { MarkNotificationsRead, MyNotifications, NotificationAdded } from './generated/documents';

/** The viewer's notifications: unread count, the latest ones, new ones live (notificationAdded). */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const [{ data, error }, refetch] = useQuery({ query: MyNotifications, variables: { first: 10 } });
  const [live] = useSubscription({ query: NotificationAdded }, (prev: LiveNote[] = [], event) => [event.notificationAdded, ...prev].slice(0, 10));
  const [, markRead] = useMutation(MarkNotificationsRead);
  const [readLive, setReadLive] = useState(0);
  const fresh = (live.data ?? []).filter((n) => !data?.me?.notifications.edges.some((e) => e.node.id === n.id));
  const unread = Math.max(0, (data?.me?.notifications.unreadCount ?? 0) + fresh.length - readLive);
  useEffect(() => {
    if (!open || unread === 0) return;
    void markRead({}).then(() => {
      setReadLive(fresh.length);
      refetch({ requestPolicy: 'network-only' });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const items = [...fresh, ...(data?.me?.notifications.edges.map((e) => e.node) ?? [])];
  return (
    <div className="bell">
      <button type="button" aria-expanded={open} aria-controls="notifications" onClick={() => setOpen(!open)} aria-label={`Notifications, ${unread} unread`}>
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="currentColor">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {unread > 0 && <span className="badge">{unread}</span>}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {fresh[0] ? `New notification: ${fresh[0].title}` : ''}
      </span>
      {open && (
        <section id="notifications" className="popover" aria-label="Notifications">
          {error && <p role="alert">Notifications are unavailable: {error.message}</p>}
          {items.length === 0 && !error && <p>No notifications yet.</p>}
          <ul>
            {items.map((n) => (
              <li key={n.id}>
                <strong>{n.title}</strong>
                <p>{n.body}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
type LiveNote = { id: string; kind: string; title: string; body: string; link: string; createdAt: string };
