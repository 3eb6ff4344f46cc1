import type { Db, Queryable } from '@cloudlab/kit';
import { loadSigningKeys, type SigningKey } from './tokens';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'CUSTOMER' | 'VENDOR' | 'ADMIN';
  vendor_id: string | null;
  password_hash: string | null;
}
export interface VendorRow {
  id: string;
  name: string;
  slug: string;
}

const USER_COLUMNS = 'id, email, name, role, vendor_id, password_hash';

export async function userByEmail(q: Queryable, email: string): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0] ?? null;
}

export async function usersByIds(q: Queryable, ids: readonly string[]): Promise<UserRow[]> {
  return (await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

export async function vendorsByIds(q: Queryable, ids: readonly string[]): Promise<VendorRow[]> {
  return (await q.query<VendorRow>('SELECT id, name, slug FROM vendors WHERE id = ANY($1::uuid[])', [ids])).rows;
}

export async function allVendors(q: Queryable): Promise<VendorRow[]> {
  return (await q.query<VendorRow>('SELECT id, name, slug FROM vendors ORDER BY name')).rows;
}

/** A new customer; null when the email (in any case) is taken. */
export async function insertUser(
  q: Queryable,
  user: { email: string; name: string; passwordHash: string },
): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(
    `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, 'CUSTOMER', $3)
     ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`,
    [user.email, user.name, user.passwordHash],
  );
  return rows[0] ?? null;
}

/** A new vendor under `slug`; null when the slug is taken. */
export async function insertVendor(q: Queryable, name: string, slug: string): Promise<VendorRow | null> {
  const { rows } = await q.query<VendorRow>(
    'INSERT INTO vendors (name, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id, name, slug',
    [name, slug],
  );
  return rows[0] ?? null;
}

export async function insertInvitation(
  q: Queryable,
  inv: { codeHash: string; vendorId: string; createdBy: string; ttlHours: number },
): Promise<void> {
  await q.query(
    `INSERT INTO vendor_invitations (code_hash, vendor_id, created_by, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
    [inv.codeHash, inv.vendorId, inv.createdBy, inv.ttlHours],
  );
}

/**
 * Marks an unused, unexpired invitation as used by `userId` and returns its vendor; null for an
 * unknown, used or expired code. One statement, so two redemptions of one code cannot both win.
 */
export async function redeemInvitation(q: Queryable, codeHash: string, userId: string): Promise<string | null> {
  const { rows } = await q.query<{ vendor_id: string }>(
    `UPDATE vendor_invitations SET used_at = now(), used_by = $2
     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING vendor_id`,
    [codeHash, userId],
  );
  return rows[0]?.vendor_id ?? null;
}

/** Turns a customer into staff of `vendorId`; null when the user is not (or no longer) a customer. */
export async function makeVendorStaff(q: Queryable, userId: string, vendorId: string): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(
    `UPDATE users SET role = 'VENDOR', vendor_id = $2 WHERE id = $1 AND role = 'CUSTOMER' RETURNING ${USER_COLUMNS}`,
    [userId, vendorId],
  );
  return rows[0] ?? null;
}

const keysByDb = new WeakMap<Db, Promise<SigningKey[]>>();
/** Signing keys, read (or created) once per process. */
export function signingKeys(db: Db): Promise<SigningKey[]> {
  let keys = keysByDb.get(db);
  if (!keys) {
    keys = loadSigningKeys(db);
    keys.catch(() => keysByDb.delete(db));
    keysByDb.set(db, keys);
  }
  return keys;
}
