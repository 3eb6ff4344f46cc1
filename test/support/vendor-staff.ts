import { randomUUID } from 'node:crypto';
import { login } from './client';
import { subgraphDb } from './db';

/**
 * Signs in a new staff member of any vendor: the seed has staff for the first vendor only, so
 * this adds a VENDOR user to accounts' database with the demo password (the seeded vendor
 * login's hash: a scrypt hash carries its own salt) and logs in through the gateway.
 */
export async function vendorStaffToken(vendorId: string): Promise<string> {
  const accounts = subgraphDb('accounts');
  const email = `staff-${randomUUID()}@cloudlab.test`;
  await accounts.query(
    `INSERT INTO users (email, name, role, vendor_id, password_hash)
     SELECT $1, 'Test Staff', 'VENDOR', $2, password_hash FROM users WHERE email = 'vendor@cloudlab.dev'`,
    [email, vendorId],
  );
  return login(email);
}
