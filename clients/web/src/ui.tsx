import type { CombinedError } from 'urql';

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

/** A query's or mutation's error, in words a user can act on (the gateway's message, its code). */
export function ErrorMessage({ error, retry }: { error: CombinedError | Error | string; retry?: () => void }) {
  const text =
    typeof error === 'string'
      ? error
      : 'graphQLErrors' in error && error.graphQLErrors.length
        ? error.graphQLErrors.map((e) => e.message).join('; ')
        : 'networkError' in error && error.networkError
          ? `The server could not be reached (${error.networkError.message})`
          : error.message;
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

export interface ImageVariant {
  name: string;
  url: string;
  width: number;
  height: number;
  contentType: string;
}

/** A product's picture: its image's variant (WebP, else JPEG) when it has one, else a placeholder. */
export function ProductImage({ name, image }: { name: string; image?: { alt: string | null; variants: ImageVariant[] } | undefined }) {
  const pick = (kind: string) => image?.variants.find((v) => v.name === kind && v.contentType === 'image/webp') ?? image?.variants.find((v) => v.name === kind);
  const variant = pick('full') ?? pick('card') ?? image?.variants[0];
  if (variant)
    return <img className="product-image" src={variant.url} width={variant.width} height={variant.height} alt={image?.alt ?? name} style={{ objectFit: 'cover', width: '100%', height: 'auto' }} />;
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <div className="product-image" role="img" aria-label={`${name} (no picture yet)`} style={{ background: `hsl(${hue} 45% 85%)` }}>
      <span aria-hidden="true">{name.slice(0, 1)}</span>
    </div>
  );
}
