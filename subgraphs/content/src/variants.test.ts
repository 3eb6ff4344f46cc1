import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fitInside, makeVariants } from './variants';

describe('variants', () => {
  it('keeps the aspect ratio and never upscales', () => {
    expect(fitInside(4000, 3000, 600)).toEqual({ width: 600, height: 450 });
    expect(fitInside(300, 200, 1600)).toEqual({ width: 300, height: 200 });
    expect(fitInside(1000, 4000, 200)).toEqual({ width: 50, height: 200 });
  });

  it('makes thumb, card and full as WebP and JPEG that decode, with EXIF stripped and orientation applied', async () => {
    // 800×400 stored sideways: displayed 400×800. EXIF carries a camera note that must not survive.
    const photo = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#c84' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretCam', Copyright: 'GPS here' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const variants = await makeVariants(photo, 1_000_000);
    expect(variants.map((v) => `${v.name} ${v.contentType} ${v.width}x${v.height}`)).toEqual([
      'thumb image/webp 100x200', 'thumb image/jpeg 100x200',
      'card image/webp 300x600', 'card image/jpeg 300x600',
      'full image/webp 400x800', 'full image/jpeg 400x800',
    ]);
    for (const v of variants) {
      const meta = await sharp(v.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([v.contentType === 'image/webp' ? 'webp' : 'jpeg', v.width, v.height]);
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(v.key).toMatch(new RegExp(`^variants/[0-9a-f]{32}/${v.name}\\.(webp|jpg)$`));
    }
  });

  it('names a variant by its bytes: the same image gives the same keys, another image other keys', async () => {
    const a = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#111' } }).png().toBuffer();
    const b = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#222' } }).png().toBuffer();
    const [ka, ka2, kb] = await Promise.all([makeVariants(a, 1e6), makeVariants(a, 1e6), makeVariants(b, 1e6)]);
    expect(ka!.map((v) => v.key)).toEqual(ka2!.map((v) => v.key));
    expect(ka!.map((v) => v.key).filter((k) => kb!.some((v) => v.key === k))).toEqual([]);
  });
});

describe('variants of a decompression bomb', () => {
  it('are refused by sharp itself past the pixel limit (a second line behind confirm\'s header check)', async () => {
    const { pngBomb } = await import('../../../test/support/png-bomb');
    await expect(makeVariants(pngBomb(20_000, 20_000), 40_000_000)).rejects.toThrow(/pixel limit/);
  });
});
