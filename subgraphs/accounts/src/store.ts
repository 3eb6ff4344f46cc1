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
