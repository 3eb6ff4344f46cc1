import { describe, expect, it } from 'vitest';
import { checkUploadGrant, signedUploadQuery } from './signature';

const key = Buffer.alloc(32, 7);
const grant = { key: 'uploads/5f0c6c3e-0d3a-4c53-9a55-2b8f1b0c9e11', contentType: 'image/png', maxBytes: 1000, expires: 2_000_000_000 };
const query = (text: string) => Object.fromEntries(new URLSearchParams(text));

describe('presigned upload URLs (local driver)', () => {
  it('accepts the URL it signed until it expires', () => {
    const q = query(signedUploadQuery(grant, key));
    expect(checkUploadGrant(grant.key, q, key, 1_999_999_999_000)).toEqual({ ok: true, grant });
    expect(checkUploadGrant(grant.key, q, key, 2_000_000_001_000)).toEqual({ ok: false, reason: 'upload URL expired' });
  });

  it('refuses a URL whose key, type, size limit or expiry was changed, or signed with another key', () => {
    const q = query(signedUploadQuery(grant, key));
    const refused = { ok: false, reason: 'signature does not match' };
    expect(checkUploadGrant('uploads/00000000-0000-4000-8000-000000000000', q, key, 0)).toEqual(refused);
    expect(checkUploadGrant(grant.key, { ...q, type: 'image/svg+xml' }, key, 0)).toEqual(refused);
    expect(checkUploadGrant(grant.key, { ...q, max: '999999999' }, key, 0)).toEqual(refused);
    expect(checkUploadGrant(grant.key, { ...q, expires: String(grant.expires + 3600) }, key, 0)).toEqual(refused);
    expect(checkUploadGrant(grant.key, q, Buffer.alloc(32, 8), 0)).toEqual(refused);
    expect(checkUploadGrant(grant.key, {}, key, 0)).toEqual({ ok: false, reason: 'not a signed upload URL' });
  });
});
