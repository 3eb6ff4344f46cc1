import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoId } from '@cloudlab/kit';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { pngBomb } from './support/png-bomb';
import { until } from './support/poll';
import { vendorStaffToken } from './support/vendor-staff';

/**
 * Product images on whichever driver the stack runs: the local disk (embedded defaults), or S3
 * (S3Proxy in CI: ops/services/s3proxy.sh sets S3_ENDPOINT). The bytes go straight to storage.
 */
const content = contract('content');
const marketplace = contract('marketplace');
const op = (operationName: string, token: string | undefined, variables: Record<string, unknown>, doc = content) => gql(doc, { operationName, token, variables });
const codeOf = (res: { body: { errors?: { extensions?: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions?.code;
const driver = process.env.S3_ENDPOINT ? 's3' : 'local';

interface Upload { mediaId: string; uploadUrl: string; uploadMethod: string; uploadHeaders: { name: string; value: string }[]; expiresAt: string }
const headersOf = (u: Upload) => Object.fromEntries(u.uploadHeaders.map((h) => [h.name, h.value]));

async function startUpload(token: string, productId: string, contentType: string, byteSize: number): Promise<Upload> {
  const res = await op('CreateProductImageUpload', token, { productId, contentType, byteSize });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.createProductImageUpload;
}
const put = (u: Upload, bytes: Buffer, url = u.uploadUrl, headers = headersOf(u)) => fetch(url, { method: u.uploadMethod, headers, body: bytes });

let staff: string;
let otherStaff: string;
let customer: string;
let admin: string;
let productId: string;

beforeAll(async () => {
  [staff, customer, admin] = await Promise.all([login('vendor@cloudlab.dev'), login('customer@cloudlab.dev'), login('admin@cloudlab.dev')]);
  otherStaff = await vendorStaffToken(demoId('vendor', 1));
  const categoryId = (await gql('{ categories { id } }')).body.data.categories[0].id;
  const input = { sku: `PIC-${randomUUID().slice(0, 8)}`, name: 'Framed Print', description: 'For the picture stories.', price: '30.00', categoryId };
  const created = await op('CreateProduct', staff, { input }, marketplace);
  expect(created.body.errors).toBeUndefined();
  productId = created.body.data.createProduct.id;
  // Content learns of the product (and its vendor) from catalog's ProductCreated.
  await until(async () => (await subgraphDb('content').query('SELECT 1 FROM products WHERE id = $1', [productId])).rowCount, 'content to list the product', 60_000);
});
afterAll(async () => {
  // Other stories count and list the demo catalog.
  if (productId) await op('ArchiveProduct', staff, { id: productId }, marketplace);
  await closeDbs();
});

describe(`product images (${driver} storage)`, () => {
  let firstId: string;

  it('a vendor uploads a PNG straight to storage, confirms it, and the product shows it in variants that decode and can be cached for ever', async () => {
    // 1200×800 (3:2): smaller than `full` (1600), so full keeps it and nothing is upscaled.
    const png = await sharp({ create: { width: 1200, height: 800, channels: 4, background: { r: 40, g: 120, b: 200, alpha: 1 } } }).png().toBuffer();
    const upload = await startUpload(staff, productId, 'image/png', png.length);
    expect(upload.uploadMethod).toBe('PUT');
    expect(new Date(upload.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // Storage, not the gateway, receives the bytes.
    expect(new URL(upload.uploadUrl).origin).not.toBe(new URL(inject('gatewayUrl')).origin);
    if (driver === 's3') expect(upload.uploadUrl.startsWith(process.env.S3_ENDPOINT!)).toBe(true);
    expect((await put(upload, png)).status).toBe(200);

    const confirmed = await op('ConfirmMediaUpload', staff, { mediaId: upload.mediaId, alt: '  A blue print  ' });
    expect(confirmed.body.errors).toBeUndefined();
    const media = confirmed.body.data.confirmMediaUpload;
    expect(media).toMatchObject({ id: upload.mediaId, status: 'READY', alt: 'A blue print', width: 1200, height: 800 });
    expect(media.variants.map((v: any) => `${v.name} ${v.contentType} ${v.width}x${v.height}`)).toEqual([
      'thumb image/webp 200x133', 'thumb image/jpeg 200x133',
      'card image/webp 600x400', 'card image/jpeg 600x400',
      'full image/webp 1200x800', 'full image/jpeg 1200x800',
    ]);
    firstId = media.id;

    const page = await op('ProductImages', undefined, { id: productId });
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.product.images).toEqual([{ id: media.id, alt: 'A blue print', variants: media.variants }]);

    for (const v of media.variants) {
      const res = await fetch(v.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toBe(v.contentType);
      const etag = res.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]+"$/);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: v.contentType === 'image/webp' ? 'webp' : 'jpeg', width: v.width, height: v.height });
      expect(Math.abs(meta.width! / meta.height! - 1.5)).toBeLessThan(0.01);
      // A CDN revalidating gets 304 without the bytes.
      expect((await fetch(v.url, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    }
  });

  it('refuses customers and other vendors, and anyone signed out', async () => {
    expect(codeOf(await op('CreateProductImageUpload', customer, { productId, contentType: 'image/png', byteSize: 100 }))).toBe('FORBIDDEN');
    expect(codeOf(await op('CreateProductImageUpload', otherStaff, { productId, contentType: 'image/png', byteSize: 100 }))).toBe('FORBIDDEN');
    expect(codeOf(await op('CreateProductImageUpload', undefined, { productId, contentType: 'image/png', byteSize: 100 }))).toBe('UNAUTHENTICATED');
    const mine = await startUpload(staff, productId, 'image/png', 100);
    expect(codeOf(await op('ConfirmMediaUpload', otherStaff, { mediaId: mine.mediaId }))).toBe('FORBIDDEN');
    expect(codeOf(await op('ConfirmMediaUpload', customer, { mediaId: mine.mediaId }))).toBe('FORBIDDEN');
    // An admin may manage any vendor's images.
    const byAdmin = await startUpload(admin, productId, 'image/webp', 100);
    expect(byAdmin.mediaId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses SVG and a 200 MB declaration before handing out a URL', async () => {
    const svg = await op('CreateProductImageUpload', staff, { productId, contentType: 'image/svg+xml', byteSize: 2000 });
    expect([codeOf(svg), svg.body.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'contentType']);
    const huge = await op('CreateProductImageUpload', staff, { productId, contentType: 'image/jpeg', byteSize: 200 * 1024 * 1024 });
    expect([codeOf(huge), huge.body.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'byteSize']);
  });

  it('refuses bytes that lie (text declared as a PNG, a decompression bomb) and deletes them', async () => {
    const text = Buffer.from('this is plain text pretending to be a picture\n'.repeat(20));
    const liar = await startUpload(staff, productId, 'image/png', text.length);
    expect((await put(liar, text)).status).toBe(200); // storage takes any bytes: the confirm step checks them
    const refused = await op('ConfirmMediaUpload', staff, { mediaId: liar.mediaId });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.body.errors![0]!.message).toMatch(/not an image/);
    expect(codeOf(await op('ConfirmMediaUpload', staff, { mediaId: liar.mediaId }))).toBe('NOT_FOUND');

    const bomb = pngBomb(20_000, 20_000); // ~50 KB that would decode to 400 megapixels
    const b = await startUpload(staff, productId, 'image/png', bomb.length);
    expect((await put(b, bomb)).status).toBe(200);
    const boom = await op('ConfirmMediaUpload', staff, { mediaId: b.mediaId });
    expect(codeOf(boom)).toBe('BAD_USER_INPUT');
    expect(boom.body.errors![0]!.message).toMatch(/20000×20000 pixels/);
    expect(codeOf(await op('ConfirmMediaUpload', staff, { mediaId: b.mediaId }))).toBe('NOT_FOUND');

    // Neither shows on the product.
    const page = await op('ProductImages', undefined, { id: productId });
    expect(page.body.data.product.images.map((i: any) => i.id)).toEqual([firstId]);
  });

  it('storage refuses a tampered upload URL and a Content-Type other than the signed one with 403', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
    const u = await startUpload(staff, productId, 'image/png', png.length);
    const url = new URL(u.uploadUrl);
    const sigParam = url.searchParams.has('sig') ? 'sig' : 'X-Amz-Signature';
    const forged = new URL(url);
    const sig = forged.searchParams.get(sigParam)!;
    forged.searchParams.set(sigParam, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    expect((await put(u, png, forged.toString())).status).toBe(403);
    const otherKey = u.uploadUrl.replace(u.mediaId, randomUUID());
    expect((await put(u, png, otherKey)).status).toBe(403);
    expect((await put(u, png, u.uploadUrl, { 'Content-Type': 'image/svg+xml' })).status).toBe(403);
    // Nothing arrived: confirm says so and the upload stays open.
    const early = await op('ConfirmMediaUpload', staff, { mediaId: u.mediaId });
    expect([codeOf(early), early.body.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'nothing was uploaded yet: send the bytes to uploadUrl first']);
  });

  it('a vendor reorders and deletes images; the product follows', async () => {
    const jpeg = await sharp({ create: { width: 500, height: 1000, channels: 3, background: '#a52' } }).jpeg().toBuffer();
    const u = await startUpload(staff, productId, 'image/jpeg', jpeg.length);
    expect((await put(u, jpeg)).status).toBe(200);
    const second = (await op('ConfirmMediaUpload', staff, { mediaId: u.mediaId, alt: 'Tall' })).body.data.confirmMediaUpload;
    expect(second.variants.find((v: any) => v.name === 'card')).toMatchObject({ width: 300, height: 600 });
    const ids = async () => (await op('ProductImages', undefined, { id: productId })).body.data.product.images.map((i: any) => i.id);
    expect(await ids()).toEqual([firstId, second.id]);

    const reorder = `mutation($productId: ID!, $mediaIds: [ID!]!) { reorderProductImages(productId: $productId, mediaIds: $mediaIds) { id } }`;
    expect(codeOf(await gql(reorder, { token: otherStaff, variables: { productId, mediaIds: [second.id, firstId] } }))).toBe('FORBIDDEN');
    expect(codeOf(await gql(reorder, { token: staff, variables: { productId, mediaIds: [second.id] } }))).toBe('BAD_USER_INPUT');
    expect((await gql(reorder, { token: staff, variables: { productId, mediaIds: [second.id, firstId] } })).body.data.reorderProductImages).toEqual([{ id: second.id }, { id: firstId }]);
    expect(await ids()).toEqual([second.id, firstId]);
    // A card asks for the main picture only: the first in the vendor's order.
    const main = `query($id: ID!, $first: Int) { product(id: $id) { images(first: $first) { id } } }`;
    expect((await gql(main, { variables: { id: productId, first: 1 } })).body.data.product.images).toEqual([{ id: second.id }]);
    expect(codeOf(await gql(main, { variables: { id: productId, first: -1 } }))).toBe('BAD_USER_INPUT');

    const del = `mutation($mediaId: ID!) { deleteProductImage(mediaId: $mediaId) { id images { id } } }`;
    expect(codeOf(await gql(del, { token: customer, variables: { mediaId: second.id } }))).toBe('FORBIDDEN');
    const deleted = await gql(del, { token: staff, variables: { mediaId: second.id } });
    expect(deleted.body.data.deleteProductImage).toEqual({ id: productId, images: [{ id: firstId }] });
    // Its files are gone (no other image uses the same bytes).
    expect((await fetch(second.variants[0].url)).status).toBe(404);
  });

  it('uploads never confirmed expire and are cleaned up', async () => {
    const u = await startUpload(staff, productId, 'image/png', 100);
    await subgraphDb('content').query(`UPDATE media SET expires_at = now() - interval '1 second' WHERE id = $1`, [u.mediaId]);
    // The cleanup timer (MEDIA_CLEANUP_EVERY_MS, short in the e2e stack) deletes it with its bytes.
    await until(async () => (await subgraphDb('content').query('SELECT 1 FROM media WHERE id = $1', [u.mediaId])).rowCount === 0, 'the expired upload to be removed', 20_000);
    expect(codeOf(await op('ConfirmMediaUpload', staff, { mediaId: u.mediaId }))).toBe('NOT_FOUND');
  });

  it('every demo product has a generated picture', async () => {
    const page = await op('ProductImages', undefined, { id: demoId('product', 7) });
    const [image] = page.body.data.product.images;
    expect(image.alt).toBeTruthy();
    const card = image.variants.find((v: any) => v.name === 'card' && v.contentType === 'image/webp');
    const res = await fetch(card.url);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: card.width, height: card.height });
    // Deterministic: asked again, the same bytes.
    expect(Buffer.from(await (await fetch(card.url)).arrayBuffer()).equals(bytes)).toBe(true);
  });
});
