import { createHash } from 'node:crypto';
import sharp from 'sharp';

/** Bounding boxes of the variants (never upscaled: a smaller original keeps its size). */
export const VARIANT_SIZES = { thumb: 200, card: 600, full: 1600 } as const;
export type VariantName = keyof typeof VARIANT_SIZES;
const FORMATS = [
  { contentType: 'image/webp', ext: 'webp' },
  { contentType: 'image/jpeg', ext: 'jpg' },
] as const;

export interface Variant {
  name: VariantName;
  width: number;
  height: number;
  contentType: string;
  /** Immutable: the hash of its bytes names it, so new bytes always get a new URL. */
  key: string;
  bytes: Buffer;
}

/** Stored in media.variants; the URL is made from `key` when served. */
export type StoredVariant = Omit<Variant, 'bytes'>;

/** The size a `box`-bounded variant of a width×height image gets: aspect kept, never larger. */
export function fitInside(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export const variantKey = (bytes: Buffer, name: string, ext: string) =>
  `variants/${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}/${name}.${ext}`;

/**
 * thumb, card and full, each as WebP and as JPEG (the fallback every browser shows). The image is
 * decoded once (EXIF orientation applied, `maxPixels` enforced again by sharp itself), scaled to
 * `full`, and the smaller sizes are made from that. No metadata is written: EXIF (GPS, camera
 * serials) is stripped. Transparent images get a white background in JPEG.
 */
export async function makeVariants(input: Buffer, maxPixels: number): Promise<Variant[]> {
  const full = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
    .rotate()
    .resize({ width: VARIANT_SIZES.full, height: VARIANT_SIZES.full, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: full.info.width, height: full.info.height, channels: full.info.channels };
  const out: Variant[] = [];
  for (const [name, box] of Object.entries(VARIANT_SIZES) as [VariantName, number][]) {
    const size = fitInside(raw.width, raw.height, box);
    for (const format of FORMATS) {
      let img = sharp(full.data, { raw }).resize(size.width, size.height, { fit: 'fill' });
      img = format.ext === 'webp' ? img.webp({ quality: 80, effort: 2 }) : img.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true });
      const { data, info } = await img.toBuffer({ resolveWithObject: true });
      out.push({ name, width: info.width, height: info.height, contentType: format.contentType, key: variantKey(data, name, format.ext), bytes: data });
    }
  }
  return out;
}
