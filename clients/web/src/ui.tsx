import type { CombinedError } from 'urql';
import { pictureSources, type ImageVariant } from './images';

export const money = (m: { amount: string; currency: string } | null | undefined) =>
  m ? new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).format(Number(m.amount)) : '—';
export const moneyList = (list: { amount: string; currency: string }[] | null | undefined) =>
  list && list.length ? list.map(money).join(' + ') : money({ amount: '0', currency: 'EUR' });

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export const errorText = (error: CombinedError | Error | string): string =>
  typeof error === 'string'
    ? error
    : 'graphQLErrors' in error && error.graphQLErrors.length
      ? error.graphQLErrors.map((e) => e.message).join('; ')
      : 'networkError' in error && error.networkError
        ? `The server could not be reached (${error.networkError.message})`
        : error.message;

/** A query's or mutation's error, in words a user can act on (the gateway's message, its code). */
export function ErrorMessage({ error, retry }: { error: CombinedError | Error | string; retry?: () => void }) {
  const text = errorText(error);
  return (
    <div className="error" role="alert">
      <p>{text}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Stars({ rating }: { rating: number | null | undefined }) {
  if (rating == null) return <span className="stars muted">No ratings yet</span>;
  const full = Math.round(rating);
  return (
    <span className="stars" aria-label={`Rated ${rating.toFixed(1)} out of 5`}>
      <span aria-hidden="true">{'★'.repeat(full) + '☆'.repeat(5 - full)}</span> {rating.toFixed(1)}
    </span>
  );
}

/** Sizes a product picture is shown at: a card in the grid, the product page's main picture. */
const SIZES = {
  card: { names: ['thumb', 'card'], sizes: '(max-width: 700px) 50vw, 260px', loading: 'lazy' },
  page: { names: ['card', 'full'], sizes: '(max-width: 700px) 100vw, 400px', loading: 'eager' },
} as const;

/**
 * A product's picture: its image's variants in a `<picture>` (WebP, JPEG fallback, the smallest
 * size that fills the box) when it has one, else a placeholder drawn from its name.
 */
export function ProductImage({ name, image, size = 'page' }: { name: string; image?: { alt: string | null; variants: ImageVariant[] } | null | undefined; size?: keyof typeof SIZES }) {
  const { names, sizes, loading } = SIZES[size];
  const sources = image && pictureSources(image.variants, names);
  if (sources)
    return (
      <picture>
        {sources.webp && <source type="image/webp" srcSet={sources.webp} sizes={sizes} />}
        <img
          className="product-image"
          src={sources.src}
          srcSet={sources.srcSet}
          sizes={sizes}
          width={sources.width}
          height={sources.height}
          alt={image.alt ?? name}
          loading={loading}
          decoding="async"
        />
      </picture>
    );
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <div className="product-image" role="img" aria-label={`${name} (no picture yet)`} style={{ background: `hsl(${hue} 45% 85%)` }}>
      <span aria-hidden="true">{name.slice(0, 1)}</span>
    </div>
  );
}
