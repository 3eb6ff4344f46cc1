import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { AlsoBought, ProductImages, ProductPage as ProductPageQuery, StockChanged } from '../generated/documents';
import { useCart } from '../cart';
import { ErrorMessage, Loading, ProductImage, Stars, money } from '../ui';

export function ProductPage() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProductPageQuery, variables: { id } });
  const [also] = useQuery({ query: AlsoBought, variables: { id } });
  // Pictures come from the content subgraph; a placeholder until (or unless) there is one.
  const [images] = useQuery({ query: ProductImages, variables: { id } });
  // Live stock: the first event replaces what the page loaded with.
  const [live] = useSubscription({ query: StockChanged, variables: { productIds: [id] } });
  const { add } = useCart();
  const [added, setAdded] = useState(false);
  if (error) return <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading what="Loading product" />;
  const product = data?.product;
  if (!product) return <h1>Product not found</h1>;
  const available = live.data?.stockChanged.available ?? product.stock?.available ?? 0;
  const reviews = product.reviews?.edges ?? [];
  return (
    <article className="product">
      <ProductImage name={product.name} image={images.data?.product?.images[0]} />
      <div>
        <h1>{product.name}</h1>
        <p className="muted">
          {product.vendor?.name} · SKU {product.sku}
        </p>
        <p className="price">{money(product.price)}</p>
        <p data-testid="stock" aria-live="polite" className={available > 0 ? 'stock' : 'stock out'}>
          {available > 0 ? `${available} in stock` : 'Out of stock'}
        </p>
        <p>{product.description}</p>
        <button
          type="button"
          disabled={available <= 0}
          onClick={() => {
            add({ productId: product.id, name: product.name, price: product.price });
            setAdded(true);
          }}
        >
          Add to cart
        </button>
        {added && (
          <p role="status">
            Added. <Link to="/cart">Go to cart</Link>
          </p>
        )}
      </div>
      <section aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">Reviews</h2>
        {reviews.length === 0 && <p>No reviews yet.</p>}
        <ul className="reviews">
          {reviews.map(({ node }) => (
            <li key={node.id}>
              <Stars rating={node.rating} /> <strong>{node.author?.name ?? 'A customer'}</strong>
              <p>{node.body}</p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="also-heading">
        <h2 id="also-heading">Customers also bought</h2>
        {also.error && <ErrorMessage error={also.error} />}
        {also.fetching && !also.data && <Loading />}
        {also.data?.product && (also.data.product.alsoBought.length === 0 ? <p>Nothing yet.</p> : null)}
        <ul>
          {also.data?.product?.alsoBought.map((p) => (
            <li key={p.id}>
              <Link to={`/products/${p.id}`}>{p.name}</Link>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
