import { describe, expect, it } from 'vitest';
import { demoSource, demoVariants } from './demo-images';
import { makeVariants } from './variants';

describe('demo images', () => {
  it('are drawn deterministically, and the sizes the seed stores are the sizes the files get', async () => {
    for (const index of [0, 1, 2]) {
      const source = await demoSource(42, index);
      expect(source.equals(await demoSource(42, index))).toBe(true);
      const made = await makeVariants(source, 1e9);
      expect(made.map(({ name, width, height, contentType }) => ({ name, width, height, contentType }))).toEqual(
        demoVariants(42, index).map(({ name, width, height, contentType }) => ({ name, width, height, contentType })),
      );
    }
    expect((await demoSource(42, 0)).equals(await demoSource(7, 0))).toBe(false);
  });
});
