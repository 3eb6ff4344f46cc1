import { randomUUID } from 'node:crypto';
import { appError, badInput, ErrorCode, forbidden, isUuid, type Db, type Logger, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent } from '@cloudlab/kit/events';
import { inspectUpload, isAcceptedType, ACCEPTED_TYPES } from './image-check';
import { StorageUnavailableError, type MediaStorage } from './storage/storage';
import { makeVariants, type StoredVariant } from './variants';
import * as store from './store';
import type { MediaRow } from './store';

export interface MediaLimits {
  maxBytes: number;
  maxPixels: number;
  uploadTtlSeconds: number;
  confirmGraceSeconds: number;
  maxPerProduct: number;
}

export interface MediaDeps {
  db: Db;
  storage: MediaStorage;
  limits: MediaLimits;
  log: Logger;
}

const notFound = (what: string) => appError(ErrorCode.NOT_FOUND, `${what} not found`);
export const storageDown = () => appError(ErrorCode.SERVICE_UNAVAILABLE, 'media storage is unreachable; nothing was changed, try again later');
const MAX_ALT = 500;

/** Vendor staff manage their own vendor's products' images; admins any. */
export function mayManage(viewer: Viewer, vendorId: string): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'VENDOR' && viewer.vendorId === vendorId);
}

function checkId(id: string, field: string): string {
  if (!isUuid(id)) throw badInput(`${field} is not a valid id`, field);
  return id.toLowerCase();
}

function checkAlt(alt: string | null | undefined): string | null {
  if (alt === null || alt === undefined) return null;
  const trimmed = alt.trim();
  if (trimmed.length > MAX_ALT) throw badInput(`alt is at most ${MAX_ALT} characters`, 'alt');
  if (/[\u0000-\u001f]/.test(trimmed)) throw badInput('alt contains control characters', 'alt');
  return trimmed || null;
}

/** Runs a storage call; an unreachable store becomes SERVICE_UNAVAILABLE (logged with its cause). */
async function onStorage<T>(deps: MediaDeps, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StorageUnavailableError) {
      deps.log.warn({ err: err.message }, 'media storage unreachable');
      throw storageDown();
    }
    throw err;
  }
}

async function ownedProduct(deps: MediaDeps, viewer: Viewer, productId: string): Promise<string> {
  const vendorId = await store.productOwner(deps.db, productId);
  if (!vendorId) throw notFound('product');
  if (!mayManage(viewer, vendorId)) throw forbidden("Vendor staff can manage images of their own vendor's products only");
  return vendorId;
}

async function ownedMedia(deps: MediaDeps, viewer: Viewer, mediaId: string): Promise<MediaRow> {
  const [media] = await store.mediaByIds(deps.db, [checkId(mediaId, 'mediaId')]);
  if (!media) throw notFound('media');
  if (!mayManage(viewer, media.vendor_id)) throw forbidden("Vendor staff can manage images of their own vendor's products only");
  return media;
}

/** Checks the declaration, makes sure storage answers, then records the PENDING upload and signs its URL. */
export async function createUpload(deps: MediaDeps, viewer: Viewer, input: { productId: string; contentType: string; byteSize: number }) {
  const productId = checkId(input.productId, 'productId');
  const contentType = input.contentType.trim().toLowerCase();
  if (!isAcceptedType(contentType)) throw badInput(`contentType must be one of ${ACCEPTED_TYPES.join(', ')}`, 'contentType');
  if (!Number.isInteger(input.byteSize) || input.byteSize < 1 || input.byteSize > deps.limits.maxBytes) {
    throw badInput(`byteSize must be between 1 and ${deps.limits.maxBytes} bytes`, 'byteSize');
  }
  const vendorId = await ownedProduct(deps, viewer, productId);
  if ((await store.countImages(deps.db, productId)) >= deps.limits.maxPerProduct) {
    throw badInput(`a product has at most ${deps.limits.maxPerProduct} images`, 'productId');
  }
  const id = randomUUID();
  const key = `uploads/${id}`;
  const urlExpires = new Date(Date.now() + deps.limits.uploadTtlSeconds * 1000);
  // The store must answer before anything is recorded: an upload URL to a dead store helps no one.
  await onStorage(deps, () => deps.storage.check());
  const presigned = await onStorage(deps, () => deps.storage.presignPut(key, contentType, input.byteSize, urlExpires));
  await store.insertPending(deps.db, {
    id, productId, vendorId, declaredType: contentType, declaredSize: input.byteSize, uploadKey: key, createdBy: viewer.userId,
    expiresAt: new Date(urlExpires.getTime() + deps.limits.confirmGraceSeconds * 1000),
  });
  return { mediaId: id, uploadUrl: presigned.url, uploadMethod: presigned.method, uploadHeaders: presigned.headers, expiresAt: urlExpires.toISOString() };
}

/** Refuses an upload that lied: its row and its bytes are deleted, the client is told why. */
async function reject(deps: MediaDeps, media: MediaRow, reason: string): Promise<never> {
  await store.deleteMedia(deps.db, media.id);
  await deps.storage.remove([media.upload_key]).catch((err) => deps.log.warn({ err: (err as Error).message, key: media.upload_key }, 'could not delete a refused upload (cleanup will not see it)'));
  throw badInput(`upload refused: ${reason}`, 'mediaId');
}

/**
 * Reads what arrived, checks it, writes the variants (content-hashed keys), then marks the image
 * READY with its MediaReady event in one transaction. Storage failing part-way: the variants
 * written so far are removed and the row stays PENDING (nothing half-written).
 */
export async function confirmUpload(deps: MediaDeps, viewer: Viewer, input: { mediaId: string; alt?: string | null }): Promise<MediaRow> {
  const alt = checkAlt(input.alt);
  const media = await ownedMedia(deps, viewer, input.mediaId);
  if (media.status === 'READY') return media;
  if (media.expires_at.getTime() < Date.now()) return reject(deps, media, 'the upload expired; start a new one');
  const size = await onStorage(deps, () => deps.storage.size(media.upload_key));
  if (size === null) throw badInput('nothing was uploaded yet: send the bytes to uploadUrl first', 'mediaId');
  if (size > deps.limits.maxBytes || size > media.declared_size) return reject(deps, media, `${size} bytes arrived, ${media.declared_size} were declared`);
  const bytes = await onStorage(deps, () => deps.storage.read(media.upload_key));
  if (!bytes) throw badInput('nothing was uploaded yet: send the bytes to uploadUrl first', 'mediaId');
  const checked = await inspectUpload(bytes, media.declared_type, { maxBytes: deps.limits.maxBytes, declaredBytes: media.declared_size, maxPixels: deps.limits.maxPixels });
  if (!checked.ok) return reject(deps, media, checked.reason);
  let variants;
  try {
    variants = await makeVariants(bytes, deps.limits.maxPixels);
  } catch (err) {
    deps.log.info({ err: (err as Error).message, mediaId: media.id }, 'upload could not be decoded');
    return reject(deps, media, 'the image could not be decoded');
  }
  const written: string[] = [];
  try {
    for (const v of variants) {
      await deps.storage.write(v.key, v.bytes, v.contentType);
      written.push(v.key);
    }
  } catch (err) {
    await deps.storage.remove(written).catch(() => undefined);
    if (err instanceof StorageUnavailableError) {
      deps.log.warn({ err: err.message }, 'media storage unreachable');
      throw storageDown();
    }
    throw err;
  }
  const stored: StoredVariant[] = variants.map(({ bytes: _bytes, ...v }) => v);
  const ready = await deps.db.tx(async (q) => {
    const row = await store.markReady(q, media.id, { contentType: checked.contentType, byteSize: checked.byteSize, width: checked.width, height: checked.height, alt, variants: stored });
    if (!row) return null;
    await recordDomainEvent(q, 'content', { type: 'MediaReady', aggregateId: row.id, data: { mediaId: row.id, productId: row.product_id, vendorId: row.vendor_id, position: row.position ?? 0 } });
    return row;
  });
  if (!ready) {
    // Confirmed twice at once: the other call won (its variants have the same keys).
    const [current] = await store.mediaByIds(deps.db, [media.id]);
    if (!current) throw notFound('media');
    return current;
  }
  await deps.storage.remove([media.upload_key]).catch(() => undefined);
  return ready;
}

async function announceChange(q: Parameters<Parameters<Db['tx']>[0]>[0], productId: string, vendorId: string) {
  const ids = (await store.imagesOfProducts(q, [productId])).map((m) => m.id);
  await recordDomainEvent(q, 'content', { type: 'ProductImagesChanged', aggregateId: productId, data: { productId, vendorId, mediaIds: ids } });
  return ids;
}

export async function reorderImages(deps: MediaDeps, viewer: Viewer, input: { productId: string; mediaIds: string[] }): Promise<MediaRow[]> {
  const productId = checkId(input.productId, 'productId');
  const ids = input.mediaIds.map((id) => checkId(id, 'mediaIds'));
  const vendorId = await ownedProduct(deps, viewer, productId);
  return deps.db.tx(async (q) => {
    const current = (await store.imagesOfProducts(q, [productId])).map((m) => m.id);
    if (ids.length !== current.length || new Set(ids).size !== ids.length || ids.some((id) => !current.includes(id))) {
      throw badInput("mediaIds must list every one of the product's images exactly once", 'mediaIds');
    }
    await store.setPositions(q, productId, ids);
    await announceChange(q, productId, vendorId);
    return store.imagesOfProducts(q, [productId]);
  });
}

export async function updateAlt(deps: MediaDeps, viewer: Viewer, input: { mediaId: string; alt?: string | null }): Promise<MediaRow> {
  const alt = checkAlt(input.alt);
  const media = await ownedMedia(deps, viewer, input.mediaId);
  return deps.db.tx(async (q) => {
    const { rows } = await q.query<MediaRow>('UPDATE media SET alt = $2 WHERE id = $1 RETURNING *', [media.id, alt]);
    if (media.status === 'READY') await announceChange(q, media.product_id, media.vendor_id);
    return rows[0]!;
  });
}

/** Deletes the row (and event) first, then the files no other image uses: a failed file delete leaves only unreferenced bytes. */
export async function deleteImage(deps: MediaDeps, viewer: Viewer, mediaId: string): Promise<{ id: string }> {
  const media = await ownedMedia(deps, viewer, mediaId);
  await deps.db.tx(async (q) => {
    await store.deleteMedia(q, media.id);
    if (media.status === 'READY') {
      const rest = await store.imagesOfProducts(q, [media.product_id]);
      await store.setPositions(q, media.product_id, rest.map((m) => m.id));
      await announceChange(q, media.product_id, media.vendor_id);
    }
  });
  const keys = media.variants.map((v) => v.key).filter((k) => k.startsWith('variants/'));
  const inUse = await store.keysInUse(deps.db, keys);
  await deps.storage.remove([media.upload_key, ...keys.filter((k) => !inUse.has(k))]).catch((err) => deps.log.warn({ err: (err as Error).message, mediaId: media.id }, 'files of a deleted image left behind'));
  return { id: media.product_id };
}

/** The cleanup timer: uploads never confirmed are deleted with whatever bytes arrived. */
export async function removeExpiredUploads(deps: Pick<MediaDeps, 'db' | 'storage' | 'log'>): Promise<number> {
  const expired = await store.expiredPending(deps.db, 500);
  if (!expired.length) return 0;
  await deps.storage.remove(expired.map((m) => m.upload_key));
  await store.deletePendingIds(deps.db, expired.map((m) => m.id));
  deps.log.info({ deleted: expired.length }, 'expired uploads removed');
  return expired.length;
}
