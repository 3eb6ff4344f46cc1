import { describe, expect, it } from 'vitest';
import { createLogger, type Db } from '@cloudlab/kit';
import { confirmUpload, createUpload, mayManage } from './media-service';
import { s3Storage } from './storage/s3';

const VENDOR = '11111111-1111-4111-8111-111111111111';
const PRODUCT = '22222222-2222-4222-8222-222222222222';
const MEDIA = '33333333-3333-4333-8333-333333333333';
const staff = { userId: '44444444-4444-4444-8444-444444444444', role: 'VENDOR' as const, vendorId: VENDOR };
const limits = { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000, uploadTtlSeconds: 600, confirmGraceSeconds: 900, maxPerProduct: 20 };
const log = createLogger('content-test', 'silent');

/** A database that answers the reads a create/confirm makes and records every statement. */
function recordingDb() {
  const statements: string[] = [];
  const query = async (text: string) => {
    statements.push(text.trim().split(/\s+/)[0]!.toUpperCase());
    if (text.includes('FROM products')) return { rows: [{ vendor_id: VENDOR }], rowCount: 1 };
    if (text.includes('count(*)')) return { rows: [{ n: '0' }], rowCount: 1 };
    if (text.includes('FROM media WHERE id')) {
      return { rows: [{ id: MEDIA, product_id: PRODUCT, vendor_id: VENDOR, status: 'PENDING', declared_type: 'image/png', declared_size: 100, upload_key: `uploads/${MEDIA}`, variants: [], expires_at: new Date(Date.now() + 60_000) }], rowCount: 1 };
    }
    return { rows: [], rowCount: 0 };
  };
  const db = { query, tx: (fn: (q: unknown) => unknown) => fn({ query }) } as unknown as Db;
  return { db, statements };
}

// Nothing listens on port 1: the store is unreachable.
const deadStore = () => s3Storage({ endpoint: 'http://127.0.0.1:1', bucket: 'media', accessKeyId: 'a', secretAccessKey: 'b', region: 'us-east-1', forcePathStyle: true, timeoutMs: 500 });

describe('media storage unreachable', () => {
  it('createProductImageUpload answers SERVICE_UNAVAILABLE and records no upload', async () => {
    const { db, statements } = recordingDb();
    const err = await createUpload({ db, storage: deadStore(), limits, log }, staff, { productId: PRODUCT, contentType: 'image/png', byteSize: 100 }).catch((e) => e);
    expect([err.extensions?.code, err.message]).toEqual(['SERVICE_UNAVAILABLE', 'media storage is unreachable; nothing was changed, try again later']);
    expect(statements).toEqual(['SELECT', 'SELECT']);
  });

  it('confirmMediaUpload answers SERVICE_UNAVAILABLE and leaves the upload as it was', async () => {
    const { db, statements } = recordingDb();
    const err = await confirmUpload({ db, storage: deadStore(), limits, log }, staff, { mediaId: MEDIA }).catch((e) => e);
    expect(err.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(statements.filter((s) => s !== 'SELECT')).toEqual([]);
  });
});

describe('who may manage a product image', () => {
  it("its vendor's staff and admins; not other vendors' staff, not customers", () => {
    expect(mayManage(staff, VENDOR)).toBe(true);
    expect(mayManage({ ...staff, role: 'ADMIN', vendorId: null }, VENDOR)).toBe(true);
    expect(mayManage({ ...staff, vendorId: PRODUCT }, VENDOR)).toBe(false);
    expect(mayManage({ ...staff, role: 'CUSTOMER', vendorId: null }, VENDOR)).toBe(false);
  });
});
