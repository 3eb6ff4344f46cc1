import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { MyOrders, OrderLive, OrderPage as OrderPageQuery } from '../generated/documents';
import { useSession } from '../session';
import { reloadDelay } from '../order-live';
import { ErrorMessage, Loading, money } from '../ui';

function SignInFirst() {
  return (
    <p>
      <Link to="/signin">Sign in</Link> to see your orders.
    </p>
  );
}

/** One order, followed live (orderStatusChanged) until it is CONFIRMED, CANCELLED or SHIPPED. */
export function OrderPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrderPageQuery, variables: { id }, pause: !user });
  const [live] = useSubscription({ query: OrderLive, variables: { orderId: id }, pause: !user });
  const liveStatus = live.data?.orderStatusChanged.status;
  const loadedStatus = data?.order?.status;
  const status = liveStatus ?? loadedStatus;
  const reason = live.data?.orderStatusChanged.cancellationReason ?? data?.order?.cancellationReason;
  // A live status the read has not seen brings another read (the payment's verdict, shipments),
  // whether the event came before the read answered or after (order-live.ts).
  const [reload, setReload] = useState({ status: '', attempt: 0 });
  const attempt = reload.status === liveStatus ? reload.attempt : 0;
  useEffect(() => {
    const delay = fetching ? undefined : reloadDelay(liveStatus, loadedStatus, attempt);
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      setReload({ status: liveStatus!, attempt: attempt + 1 });
      refetch({ requestPolicy: 'network-only' });
    }, delay);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [liveStatus, loadedStatus, attempt, fetching]);
  if (!user) return <SignInFirst />;
  if (error) return <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading what="Loading order" />;
  const order = data?.order;
  if (!order) return <h1>Order not found</h1>;
  return (
    <article>
      <h1>Order {order.id.slice(0, 8)}</h1>
      <p className={`status status-${status}`} role="status" aria-live="polite" data-testid="order-status">
        {status}
      </p>
      {status === 'PENDING' && <p className="muted">Reserving stock and authorizing your payment…</p>}
      {status === 'CANCELLED' && reason && <p data-testid="cancellation-reason">Cancelled: {reason}</p>}
      {live.error && <ErrorMessage error={live.error} />}
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l, i) => (
            <tr key={i}>
              <td>{l.product ? <Link to={`/products/${l.product.id}`}>{l.product.name}</Link> : 'Unavailable product'}</td>
              <td>{l.quantity}</td>
              <td>{money(l.unitPrice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="price">Total: {money(order.total)}</p>
      {order.payment && (
        <p data-testid="payment">
          Payment: {order.payment.status}
          {order.payment.declineReason ? ` (${order.payment.declineReason})` : ''}
        </p>
      )}
      {order.shipments.map((s) => (
        <p key={s.trackingNumber}>
          Shipped with {s.carrier}, tracking {s.trackingNumber}
        </p>
      ))}
    </article>
  );
}

export function MyOrdersPage() {
  const { user } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyOrders, pause: !user, requestPolicy: 'cache-and-network' });
  if (!user) return <SignInFirst />;
  return (
    <>
      <h1>My orders</h1>
      {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading what="Loading orders" />}
      {data?.me?.orders && data.me.orders.edges.length === 0 && <p>No orders yet.</p>}
      <ul className="orders">
        {data?.me?.orders?.edges.map(({ node }) => (
          <li key={node.id}>
            <Link to={`/orders/${node.id}`}>Order {node.id.slice(0, 8)}</Link> — {node.status} — {money(node.total)} —{' '}
            {node.lines.map((l) => `${l.quantity} × ${l.product?.name ?? '?'}`).join(', ')}
          </li>
        ))}
      </ul>
    </>
  );
}
