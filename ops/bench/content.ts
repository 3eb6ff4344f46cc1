import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { makeVariants } from '../../subgraphs/content/src/variants';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { gatewayClient } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench content [--uploads N] [--quick] [--variants-only]`: product images.
 *   1. variants: makeVariants on a 12-megapixel (4000×3000) JPEG photo in this process — one
 *      decode, thumb/card/full × WebP/JPEG — as variants per second and ms per photo.
 *   2. upload → ready on a fresh stack (S3_ENDPOINT set: that store, e.g. ops/services/s3proxy.sh;
 *      unset: the local disk): the demo vendor's staff create the upload, PUT the photo straight to
 *      storage and confirm, one after another; p50/p95 of the whole round and of confirm alone.
 */
async function main() {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const quick = process.argv.includes('--quick');
  const uploads = arg('uploads', quick ? 5 : 20);
  const photo = await twelveMegapixelPhoto();
  console.log(`photo: 4000×3000 JPEG, ${(photo.length / 1e6).toFixed(2)} MB`);

  const runs = quick ? 3 : 8;
  await makeVariants(photo, 40_000_000); // warm libvips
  const started = performance.now();
  let made = 0;
  for (let i = 0; i < runs; i++) made += (await makeVariants(photo, 40_000_000)).length;
  const seconds = (performance.now() - started) / 1000;
  const variantsPerSecond = made / seconds;
  const msPerPhoto = (seconds * 1000) / runs;
  console.log(`variants: ${made} in ${seconds.toFixed(2)} s → ${variantsPerSecond.toFixed(1)} variants/s, ${msPerPhoto.toFixed(0)} ms per photo (6 variants)`);

  if (process.argv.includes('--variants-only')) {
    console.log(JSON.stringify({ bench: 'content', photo_bytes: photo.length, variants_per_second: Number(variantsPerSecond.toFixed(1)), ms_per_photo: Math.round(msPerPhoto), cpus: cpus().length, load1: Number(loadavg()[0]!.toFixed(1)) }));
    return;
  }
  const stack = await benchStack({
    env: { SEED_PRODUCTS: '200', SEED_REVIEWS: '200', SEED_CUSTOMERS: '50' },
    output: (name, line) => /"level":(50|60)|FATAL|exited/.test(line) && process.stderr.write(`[${name}] ${line}\n`),
  });
  try {
    const doc = readFileSync(path.join(ROOT, 'clients', 'operations', 'content.graphql'), 'utf8');
    const { call, login } = gatewayClient(stack.gatewayUrl);
    const staff = await login('vendor@cloudlab.dev');
    const vendorId = (await call({ query: '{ me { vendor { id } } }' }, staff)).me.vendor.id;
    const products: string[] = (await call({ query: '{ products(first: 100) { edges { node { id vendor { id } } } } }' }))
      .products.edges.filter((e: any) => e.node.vendor.id === vendorId).map((e: any) => e.node.id);
    if (!products.length) throw new Error('the demo vendor has no product among the first 100');
    const total: number[] = [];
    const confirmOnly: number[] = [];
    for (let i = 0; i < uploads; i++) {
      const t0 = performance.now();
      const u = (await call({ query: doc, operationName: 'CreateProductImageUpload', variables: { productId: products[i % products.length], contentType: 'image/jpeg', byteSize: photo.length } }, staff)).createProductImageUpload;
      const put = await fetch(u.uploadUrl, { method: u.uploadMethod, headers: Object.fromEntries(u.uploadHeaders.map((h: any) => [h.name, h.value])), body: photo });
      if (put.status !== 200) throw new Error(`upload answered ${put.status}`);
      const t1 = performance.now();
      const ready = (await call({ query: doc, operationName: 'ConfirmMediaUpload', variables: { mediaId: u.mediaId, alt: `bench ${i}` } }, staff)).confirmMediaUpload;
      if (ready.status !== 'READY') throw new Error(`confirm answered ${ready.status}`);
      const t2 = performance.now();
      total.push(t2 - t0);
      confirmOnly.push(t2 - t1);
      // Keep each product under MEDIA_MAX_PER_PRODUCT.
      await call({ query: 'mutation($id: ID!) { deleteProductImage(mediaId: $id) { id } }', variables: { id: ready.id } }, staff);
    }
    const round = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]));
    const uploadReady = round(percentiles(total));
    const confirm = round(percentiles(confirmOnly));
    const driver = process.env.S3_ENDPOINT ? 's3' : 'local';
    console.log(`upload → ready (${driver}, ${uploads} sequential): p50 ${uploadReady.p50} ms, p95 ${uploadReady.p95} ms; confirm alone p50 ${confirm.p50} ms, p95 ${confirm.p95} ms`);
    console.log(JSON.stringify({
      bench: 'content', driver, photo_bytes: photo.length, variants_per_second: Number(variantsPerSecond.toFixed(1)), ms_per_photo: Math.round(msPerPhoto),
      uploads, upload_to_ready_ms: uploadReady, confirm_ms: confirm, cpus: cpus().length, load1: Number(loadavg()[0]!.toFixed(1)),
    }));
  } finally {
    await stack.stop();
  }
}

/** A photo-like 12-megapixel JPEG: smooth colour fields (upscaled noise) plus fine grain, ~2–4 MB. */
async function twelveMegapixelPhoto(): Promise<Buffer> {
  const fields = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
  const smooth = await sharp(fields).resize(4000, 3000, { kernel: 'cubic' }).raw().toBuffer();
  const grain = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 8, sigma: 6 } } }).raw().toBuffer();
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.max(0, Math.min(255, smooth[i]! + grain[i]! - 8));
  return sharp(smooth, { raw: { width: 4000, height: 3000, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
