import { z } from 'zod';
import { loadConfig, env } from '../config';
import { demoId, rngFor } from './random';
import * as W from './words';

/**
 * The demo marketplace, described entity by entity. Every subgraph seeds only its own tables
 * from it, and because every value is derived from (seed, kind, index) they agree on ids:
 * product 17's vendor in catalog is the vendor whose staff may restock it in inventory.
 */
export type SeedSizes = ReturnType<typeof seedSizes>;
export function seedSizes(source: NodeJS.ProcessEnv = process.env) {
  const c = loadConfig(
    {
      SEED: env.int(42),
      SEED_VENDORS: env.int(8, 1),
      SEED_PRODUCTS: env.int(10_000, 1),
      SEED_CUSTOMERS: env.int(1_000, 1),
      SEED_REVIEWS: env.int(20_000, 0),
      SEED_WAREHOUSES: env.int(3, 1),
    } satisfies z.ZodRawShape,
    source,
  );
  return {
    seed: c.SEED,
    vendors: Math.min(c.SEED_VENDORS, W.VENDORS.length),
    products: c.SEED_PRODUCTS,
    customers: c.SEED_CUSTOMERS,
    reviews: c.SEED_REVIEWS,
    warehouses: c.SEED_WAREHOUSES,
  };
}

const EPOCH = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

export const WAREHOUSES = ['Rotterdam', 'Leipzig', 'Lyon', 'Gdansk', 'Porto', 'Malmo'];

export function demoPlan(sizes: SeedSizes) {
  const { seed } = sizes;
  const productListed = (i: number) => EPOCH + Math.floor((i / sizes.products) * 300 * DAY);
  return {
    sizes,
    vendor: (i: number) => ({
      id: demoId('vendor', i),
      name: W.VENDORS[i]!,
      slug: W.VENDORS[i]!.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    }),
    category: (i: number) => ({
      id: demoId('category', i),
      name: W.CATEGORIES[i]!.name,
      slug: W.CATEGORIES[i]!.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    }),
    categoryCount: W.CATEGORIES.length,
    warehouse: (i: number) => ({ id: demoId('warehouse', i), name: WAREHOUSES[i % WAREHOUSES.length]! + (i >= WAREHOUSES.length ? ` ${i}` : '') }),
    product: (i: number) => {
      const r = rngFor('product', i, seed);
      const categoryIndex = r.int(0, W.CATEGORIES.length - 1);
      const cat = W.CATEGORIES[categoryIndex]!;
      const noun = r.pick(cat.nouns);
      const material = r.pick(W.MATERIALS);
      const name = cat.crafted ? `${r.pick(W.ADJECTIVES)} ${material} ${noun}` : `${r.pick(W.ADJECTIVES)} ${noun}`;
      const [lo, hi] = cat.price;
      const cents = Math.round((lo + r.next() * (hi - lo)) * 100);
      const price = (Math.floor(cents / 100) + 0.99).toFixed(2); // shop prices end in .99
      return {
        id: demoId('product', i),
        sku: `CL-${String(i + 1).padStart(6, '0')}`,
        name,
        description: `${name}, from our ${cat.name.toLowerCase()} range. Sold by a Cloud Lab vendor and made to last.`,
        price,
        currency: 'EUR',
        categoryId: demoId('category', categoryIndex),
        vendorId: demoId('vendor', r.int(0, sizes.vendors - 1)),
        createdAt: new Date(productListed(i)).toISOString(),
      };
    },
    stock: (productIndex: number, warehouseIndex: number) =>
      rngFor('stock', productIndex * 64 + warehouseIndex, seed).int(0, 40),
    customer: (i: number) => {
      const r = rngFor('customer', i, seed);
      const first = r.pick(W.FIRST_NAMES);
      const last = r.pick(W.LAST_NAMES);
      return {
        id: demoId('customer', i),
        name: `${first} ${last}`,
        email: `${first}.${last}.${i}@customers.cloudlab.dev`.toLowerCase(),
      };
    },
    review: (i: number) => {
      const r = rngFor('review', i, seed);
      const productIndex = r.int(0, sizes.products - 1);
      const rating = Math.min(5, Math.max(1, Math.round(2.2 + r.next() * 3.3)));
      return {
        id: demoId('review', i),
        productId: demoId('product', productIndex),
        authorId: demoId('customer', r.int(0, sizes.customers - 1)),
        rating,
        body: `${r.pick(W.REVIEW_OPENERS)} ${r.pick(W.REVIEW_DETAILS)}`,
        // After the product was listed, before the plan's "today" (day 320 of 2026).
        createdAt: new Date(productListed(productIndex) + r.int(0, 19) * DAY + r.int(0, DAY - 1)).toISOString(),
      };
    },
  };
}

export type DemoPlan = ReturnType<typeof demoPlan>;

/** The three documented demo logins (README). All use the password DEMO_PASSWORD. */
export const DEMO_PASSWORD = 'cloudlab-demo';
export const DEMO_USERS = [
  { id: demoId('user', 'customer'), email: 'customer@cloudlab.dev', name: 'Casey Customer', role: 'CUSTOMER', vendorIndex: null },
  { id: demoId('user', 'vendor'), email: 'vendor@cloudlab.dev', name: 'Vic Vendor', role: 'VENDOR', vendorIndex: 0 },
  { id: demoId('user', 'admin'), email: 'admin@cloudlab.dev', name: 'Ada Admin', role: 'ADMIN', vendorIndex: null },
] as const;
