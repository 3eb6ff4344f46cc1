import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { demoId, insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';
import { rngFor } from '@cloudlab/kit/demo/random';
import { fitInside, makeVariants, VARIANT_SIZES, type StoredVariant, type VariantName } from './variants';

/**
 * Every demo product has one generated picture: deterministic (seed, product index), drawn with
 * sharp from shapes, never downloaded. Seeding writes only rows (their sizes follow from the
 * recipe); the files are made the first time one is asked for and kept in MEDIA_DIR/demo, so
 * `pnpm start` stays fast with 10,000 products. Their URLs name the recipe (`v1`): the same URL
 * always has the same bytes, so they are immutable like uploaded variants.
 */
const RECIPE = 'v1';
const SHAPES = [[800, 600], [600, 800], [800, 800]] as const;

export const demoKeyBase = (seed: number, index: number) => `demo/${seed}-${index}-${RECIPE}`;
const demoKey = /^demo\/(\d+)-(\d+)-v1\/(thumb|card|full)\.(webp|jpg)$/;

function recipe(seed: number, index: number) {
  const r = rngFor('product-image', index, seed);
  const [width, height] = SHAPES[r.int(0, SHAPES.length - 1)]!;
  const hue = r.int(0, 359);
  const circles = Array.from({ length: 3 + r.int(0, 4) }, () => ({ cx: r.int(0, width), cy: r.int(0, height), r: r.int(40, 260), hue: (hue + r.int(20, 200)) % 360, o: (40 + r.int(0, 50)) / 100 }));
  return { width, height, hue, circles };
}

/** The demo picture of product `index` as a PNG (the source its variants are made from). */
export async function demoSource(seed: number, index: number): Promise<Buffer> {
  const { width, height, hue, circles } = recipe(seed, index);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,70%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},55%,35%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    ${circles.map((c) => `<circle cx="${c.cx}" cy="${c.cy}" r="${c.r}" fill="hsl(${c.hue},70%,55%)" fill-opacity="${c.o}"/>`).join('')}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The rows' variants: sizes computed from the recipe exactly as makeVariants would resize. */
export function demoVariants(seed: number, index: number): StoredVariant[] {
  const { width, height } = recipe(seed, index);
  return (Object.entries(VARIANT_SIZES) as [VariantName, number][]).flatMap(([name, box]) => {
    const size = fitInside(width, height, box);
    return [
      { name, ...size, contentType: 'image/webp', key: `${demoKeyBase(seed, index)}/${name}.webp` },
      { name, ...size, contentType: 'image/jpeg', key: `${demoKeyBase(seed, index)}/${name}.jpg` },
    ];
  });
}

/** Content's share of the demo marketplace: who owns each product, and its one generated image. */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const products = Array.from({ length: plan.sizes.products }, (_, i) => plan.product(i));
  await insertRows(q, 'products', { id: 'uuid', vendor_id: 'uuid' }, products.map((p) => ({ id: p.id, vendor_id: p.vendorId })));
  await insertRows(
    q,
    'media',
    { id: 'uuid', product_id: 'uuid', vendor_id: 'uuid', status: 'text', declared_type: 'text', declared_size: 'int', upload_key: 'text', content_type: 'text', width: 'int', height: 'int', alt: 'text', position: 'int', expires_at: 'timestamptz', demo_seed: 'int', demo_index: 'int' },
    products.map((p, i) => {
      const { width, height } = recipe(plan.sizes.seed, i);
      return {
        id: demoId('media', i), product_id: p.id, vendor_id: p.vendorId, status: 'READY', declared_type: 'image/png', declared_size: 0,
        upload_key: `uploads/${demoId('media', i)}`, content_type: 'image/png', width, height, alt: p.name, position: 0,
        expires_at: p.createdAt, demo_seed: plan.sizes.seed, demo_index: i,
      };
    }),
  );
}

const making = new Map<string, Promise<void>>();

/**
 * A demo file's bytes, made (all six variants of its product at once) on first request. Only the
 * running demo's seed and products: anything else is null, so no one can make the server draw
 * images without end.
 */
export async function demoFile(dir: string, key: string, demo: { seed: number; products: number }): Promise<Buffer | null> {
  const m = demoKey.exec(key);
  if (!m || Number(m[1]) !== demo.seed || Number(m[2]) >= demo.products) return null;
  const file = path.join(dir, key);
  try {
    return await readFile(file);
  } catch {
    /* not made yet */
  }
  const base = demoKeyBase(demo.seed, Number(m[2]));
  let job = making.get(base);
  if (!job) {
    job = (async () => {
      const variants = await makeVariants(await demoSource(demo.seed, Number(m[2])), 1e9);
      await mkdir(path.join(dir, base), { recursive: true });
      for (const v of variants) {
        const target = path.join(dir, base, `${v.name}.${v.contentType === 'image/webp' ? 'webp' : 'jpg'}`);
        const temp = `${target}.${randomUUID()}.part`;
        await writeFile(temp, v.bytes);
        await rename(temp, target);
      }
    })().finally(() => making.delete(base));
    making.set(base, job);
  }
  await job;
  return readFile(file);
}
