import { DEMO_PASSWORD, DEMO_USERS, insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';
import { hashPassword } from './passwords';

/**
 * Accounts' share of the demo marketplace: vendors, the three demo logins and the generated
 * customers. Generated customers have no password (they author reviews but cannot sign in),
 * which keeps seeding fast: each scrypt hash costs ~50 ms on purpose.
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
  const customers = Array.from({ length: plan.sizes.customers }, (_, i) => ({
    ...plan.customer(i),
    role: 'CUSTOMER',
    vendor_id: null,
    password_hash: null,
  }));
  await insertRows(
    q,
    'users',
    { id: 'uuid', email: 'text', name: 'text', role: 'text', vendor_id: 'uuid', password_hash: 'text' },
    [...demo, ...customers],
  );
}
