/** A resized copy of an uploaded image, as the content subgraph lists it (thumb, card, full × WebP, JPEG). */
export interface ImageVariant {
  name: string;
  url: string;
  width: number;
  height: number;
  contentType: string;
}

export interface PictureSources {
  /** `srcset` of the WebP variants (browsers that cannot decode WebP skip it). */
  webp: string | undefined;
  /** The fallback `<img>`: its JPEG (else whatever there is) `src`, `srcset`, and intrinsic size. */
  src: string;
  srcSet: string | undefined;
  width: number;
  height: number;
}

const srcSetOf = (variants: ImageVariant[]) => (variants.length ? variants.map((v) => `${v.url} ${v.width}w`).join(', ') : undefined);

/**
 * What a `<picture>` needs to show an image at one of the named sizes (smallest first, e.g.
 * ['thumb', 'card']): WebP candidates for a `<source>`, JPEG candidates for the `<img>` (the
 * fallback), so the browser picks the smallest variant that fills the box at its pixel density.
 * Undefined when the image has none of those variants.
 */
export function pictureSources(variants: readonly ImageVariant[], names: readonly string[]): PictureSources | undefined {
  const wanted = names.flatMap((name) => variants.filter((v) => v.name === name));
  if (!wanted.length) return undefined;
  const webp = wanted.filter((v) => v.contentType === 'image/webp');
  const jpeg = wanted.filter((v) => v.contentType === 'image/jpeg');
  const fallback = jpeg.length ? jpeg : wanted.filter((v) => v.contentType !== 'image/webp');
  // Only WebP variants: the <img> names them itself.
  const img = fallback.length ? fallback : webp;
  const largest = img[img.length - 1]!;
  return {
    webp: fallback.length ? srcSetOf(webp) : undefined,
    src: largest.url,
    srcSet: srcSetOf(img),
    width: largest.width,
    height: largest.height,
  };
}
