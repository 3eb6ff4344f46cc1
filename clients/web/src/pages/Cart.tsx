import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { PlaceOrder } from '../generated/documents';
import { useCart } from '../cart';
import { useSession } from '../session';
import { ErrorMessage, money } from '../ui';

/** The simulated payment provider's test cards (see subgraphs/payments). */
const CARDS = [
  ['tok_visa', 'Test Visa card (authorized)'],
  ['tok_declined', 'Test card that is declined'],
] as const;

export function CartPage() {
  const { lines, setQuantity, clear } = useCart();
  const { user } = useSession();
  const [card, setCard] = useState<string>('tok_visa');
  const [result, placeOrder] = useMutation(PlaceOrder);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const navigate = useNavigate();
  const currency = lines[0]?.price.currency ?? 'EUR';
  const total = lines.reduce((sum, l) => sum + Number(l.price.amount) * l.quantity, 0);
  const checkout = async (e: FormEvent) => {
    e.preventDefault();
    const r = await placeOrder({
      input: { lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })), paymentToken: card, idempotencyKey },
    });
    if (r.data) {
      clear();
      navigate(`/orders/${r.data.placeOrder.id}`);
    }
  };
  if (lines.length === 0)
    return (
      <>
        <h1>Your cart</h1>
        <p>
          Your cart is empty. <Link to="/">Browse products</Link>
        </p>
      </>
    );
  return (
    <>
      <h1>Your cart</h1>
      <table className="cart">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.productId}>
              <td>
                <Link to={`/products/${l.productId}`}>{l.name}</Link>
              </td>
              <td>{money(l.price)}</td>
              <td>
                <label className="visually-hidden" htmlFor={`qty-${l.productId}`}>
                  Quantity of {l.name}
                </label>
                <input id={`qty-${l.productId}`} type="number" min={0} max={1000} value={l.quantity} onChange={(e) => setQuantity(l.productId, Number(e.target.value))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="price">Total: {money({ amount: total.toFixed(2), currency })}</p>
      {user ? (
        <form onSubmit={checkout} className="form">
          <h2>Checkout</h2>
          <label htmlFor="card">Payment</label>
          <select id="card" value={card} onChange={(e) => setCard(e.target.value)}>
            {CARDS.map(([token, label]) => (
              <option key={token} value={token}>
                {label}
              </option>
            ))}
          </select>
          {result.error && <ErrorMessage error={result.error} />}
          <button type="submit" disabled={result.fetching}>
            {result.fetching ? 'Placing order…' : 'Place order'}
          </button>
        </form>
      ) : (
        <p>
          <Link to="/signin" state={{ from: '/cart' }}>
            Sign in to check out
          </Link>
        </p>
      )}
    </>
  );
}
