import sharp from 'sharp';

/** What may be uploaded: raster formats sharp decodes safely. SVG (scripts, external references) never. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];
export const isAcceptedType = (t: string): t is AcceptedType => (ACCEPTED_TYPES as readonly string[]).includes(t);

/** The type the bytes really have, from their first bytes (magic numbers), whatever was declared. */
export function sniffType(bytes: Buffer): AcceptedType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp' && ['avif', 'avis'].includes(bytes.toString('latin1', 8, 12))) return 'image/avif';
  return null;
}

const SHARP_FORMAT: Record<AcceptedType, string[]> = {
  'image/jpeg': ['jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/avif': ['heif'],
};

export type Inspection =
  | { ok: true; contentType: AcceptedType; width: number; height: number; byteSize: number }
  | { ok: false; reason: string };

/**
 * What confirm learns from the bytes that arrived: their real type (it must be the declared one),
 * their size, and their dimensions from the header alone — so an image over `maxPixels`
 * (a decompression bomb: a few KB that decode to gigabytes) is refused before it is decoded.
 * Width and height are as displayed (EXIF orientation applied).
 */
export async function inspectUpload(bytes: Buffer, declared: string, limits: { maxBytes: number; declaredBytes: number; maxPixels: number }): Promise<Inspection> {
  if (bytes.length === 0) return { ok: false, reason: 'the upload is empty' };
  if (bytes.length > limits.maxBytes) return { ok: false, reason: `the upload is larger than ${limits.maxBytes} bytes` };
  if (bytes.length > limits.declaredBytes) return { ok: false, reason: `the upload is larger than the ${limits.declaredBytes} bytes declared` };
  const actual = sniffType(bytes);
  if (!actual) return { ok: false, reason: `the bytes are not an image of an accepted type (${ACCEPTED_TYPES.join(', ')})` };
  if (actual !== declared) return { ok: false, reason: `declared ${declared}, but the bytes are ${actual}` };
  // The header only: nothing is decoded here.
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta) return { ok: false, reason: `the bytes are not a readable ${actual} image` };
  if (!meta.format || !SHARP_FORMAT[actual].includes(meta.format) || !meta.width || !meta.height) {
    return { ok: false, reason: `the bytes are not a readable ${actual} image` };
  }
  if (meta.width * meta.height > limits.maxPixels) {
    return { ok: false, reason: `the image is ${meta.width}×${meta.height} pixels; at most ${limits.maxPixels} pixels are accepted` };
  }
  const swapped = (meta.orientation ?? 1) >= 5;
  return { ok: true, contentType: actual, byteSize: bytes.length, width: swapped ? meta.height : meta.width, height: swapped ? meta.width : meta.height };
}
