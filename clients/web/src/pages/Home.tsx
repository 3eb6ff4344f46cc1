import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { WebHome } from '../generated/documents';
import type { ImageVariant } from '../images';
import { ErrorMessage, Loading, ProductImage, Stars, money } from '../ui';

export interface CardProduct {
  id: string;
  name: string;
  price: { amount: string; currency: string };
  averageRating: number | null;
  inStock: boolean | null;
  vendor?: { name: string } | null;
  stock?: { available: number } | null;
  /** The first is the card's picture (the web's own WebHome / WebSearch select them). */
  images?: { alt: string | null; variants: ImageVariant[] }[];
}

export function ProductCard({ product }: { product: CardProduct }) {
  return (
    <li className="card" data-testid="product-card">
      <Link to={`/products/${product.id}`}>
        <ProductImage name={product.name} image={product.images?.[0]} size="card" />
        <h3>{product.name}</h3>
      </Link>
      <p className="price">{money(product.price)}</p>
      <Stars rating={product.averageRating} />
      <p className={product.inStock ? 'stock' : 'stock out'}>
        {product.inStock ? (product.stock ? `${product.stock.available} in stock` : 'In stock') : 'Out of stock'}
      </p>
      {product.vendor && <p className="muted">by {product.vendor.name}</p>}
    </li>
  );
}

/** Home: the newest products as cards, pictures included, in one request (WebHome). */
export function Home() {
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebHome, variables: { first: 12, after } });
  return (
    <>
      <h1>Marketplace</h1>
      {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading what="Loading products" />}
      {data && (
        <>
          <p className="muted">{data.products.totalCount.toLocaleString('en')} products</p>
          <ul className="grid" aria-label="Products">
            {data.products.edges.map(({ node }) => (
              <ProductCard key={node.id} product={node} />
            ))}
          </ul>
          <nav aria-label="Pages" className="pager">
            {after && (
              <button type="button" onClick={() => setAfter(null)}>
                First page
              </button>
            )}
            {data.products.pageInfo.hasNextPage && (
              <button type="button" onClick={() => setAfter(data.products.pageInfo.endCursor)}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </>
  );
}
