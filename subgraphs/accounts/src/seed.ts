import { DEMO_PASSWORD, DEMO_USERS, insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';
import { hashPassword } from './passwords';

/**
 * Accounts' share of the demo marketplace: vendors, the three demo logins and the generated
 * customers. Every generated customer signs in with DEMO_PASSWORD too (README "Demo logins").
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const vendors = Array.from({ length: plan.sizes.vendors }, (_, i) => plan.vendor(i));
  await insertRows(q, 'vendors', { id: 'uuid', name: 'text', slug: 'text' }, vendors);
  const demo = await Promise.all(
    DEMO_USERS.map(async (u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      vendor_id: u.vendorIndex === null ? null : plan.vendor(u.vendorIndex).id,
      password_hash: await hashPassword(DEMO_PASSWORD),
    })),
  );
  // One hash shared by all generated customers: a scrypt hash carries its own salt, so the string
  // verifies for each of them, and 1,000 separate hashes would cost ~50 s of seeding. Fine for
  // demo data only: real accounts each get their own salt (signUp).
  const customerHash = await hashPassword(DEMO_PASSWORD);
  const customers = Array.from({ length: plan.sizes.customers }, (_, i) => ({
    ...plan.customer(i),
    role: 'CUSTOMER',
    vendor_id: null,
    password_hash: customerHash,
  }));
  await insertRows(
    q,
    'users',
    { id: 'uuid', email: 'text', name: 'text', role: 'text', vendor_id: 'uuid', password_hash: 'text' },
    [...demo, ...customers],
  );
}
