import { describe, expect, it } from 'vitest';
import { pictureSources, type ImageVariant } from './images';

const v = (name: string, ext: 'webp' | 'jpg', width: number): ImageVariant => ({
  name,
  url: `http://content/media/files/variants/abc/${name}.${ext}`,
  width,
  height: Math.round((width * 2) / 3),
  contentType: ext === 'webp' ? 'image/webp' : 'image/jpeg',
});
const all = [v('thumb', 'webp', 200), v('thumb', 'jpg', 200), v('card', 'webp', 600), v('card', 'jpg', 600), v('full', 'webp', 1600), v('full', 'jpg', 1600)];

describe('pictureSources', () => {
  it('offers the named sizes as WebP for <source> and JPEG for the <img>, largest as src', () => {
    expect(pictureSources(all, ['thumb', 'card'])).toEqual({
      webp: 'http://content/media/files/variants/abc/thumb.webp 200w, http://content/media/files/variants/abc/card.webp 600w',
      src: 'http://content/media/files/variants/abc/card.jpg',
      srcSet: 'http://content/media/files/variants/abc/thumb.jpg 200w, http://content/media/files/variants/abc/card.jpg 600w',
      width: 600,
      height: 400,
    });
  });

  it('leaves out sizes it was not asked for', () => {
    const s = pictureSources(all, ['full'])!;
    expect(s.src).toMatch(/full\.jpg$/);
    expect(s.webp).not.toMatch(/thumb|card/);
  });

  it('uses WebP in the <img> itself when there is no JPEG, and answers undefined without a wanted size', () => {
    const onlyWebp = all.filter((x) => x.contentType === 'image/webp');
    const s = pictureSources(onlyWebp, ['card'])!;
    expect(s).toMatchObject({ webp: undefined, src: 'http://content/media/files/variants/abc/card.webp' });
    expect(pictureSources(all, ['huge'])).toBeUndefined();
    expect(pictureSources([], ['card'])).toBeUndefined();
  });
});
