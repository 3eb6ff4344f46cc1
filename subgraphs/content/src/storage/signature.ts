import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The local driver's presigned PUT URLs: `/media/upload/<key>?type=…&max=…&expires=…&sig=…`,
 * where sig = HMAC-SHA256(key, "PUT\n<key>\n<type>\n<max>\n<expires>"). Changing any part
 * (another key, type, size limit or a later expiry) breaks the signature.
 */
export interface UploadGrant {
  key: string;
  contentType: string;
  maxBytes: number;
  /** Unix seconds. */
  expires: number;
}

const payload = (g: UploadGrant) => `PUT\n${g.key}\n${g.contentType}\n${g.maxBytes}\n${g.expires}`;
const sign = (g: UploadGrant, key: Buffer) => createHmac('sha256', key).update(payload(g)).digest('base64url');

export function signedUploadQuery(g: UploadGrant, key: Buffer): string {
  const q = new URLSearchParams({ type: g.contentType, max: String(g.maxBytes), expires: String(g.expires), sig: sign(g, key) });
  return q.toString();
}

export type GrantCheck = { ok: true; grant: UploadGrant } | { ok: false; reason: string };

/** Checks a PUT's key and query string against its signature and the clock. */
export function checkUploadGrant(objectKey: string, query: Record<string, unknown>, key: Buffer, nowMs = Date.now()): GrantCheck {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
  const grant: UploadGrant = { key: objectKey, contentType: text('type'), maxBytes: Number(text('max')), expires: Number(text('expires')) };
  const sig = Buffer.from(text('sig'));
  const expected = Buffer.from(sign(grant, key));
  if (!grant.contentType || !Number.isInteger(grant.maxBytes) || !Number.isInteger(grant.expires)) return { ok: false, reason: 'not a signed upload URL' };
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return { ok: false, reason: 'signature does not match' };
  if (grant.expires * 1000 < nowMs) return { ok: false, reason: 'upload URL expired' };
  return { ok: true, grant };
}
