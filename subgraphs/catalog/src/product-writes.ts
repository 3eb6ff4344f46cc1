import { appError, badInput, ErrorCode, forbidden, isUuid, requireRole, type Queryable, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent } from '@cloudlab/kit/events';
import { config, type ProductLimits } from './config';
import { checkDescription, checkName, checkPrice, checkSku, CURRENCY } from './product-rules';
import * as store from './store';
import type { ProductChanges, ProductRow } from './store';

/**
 * createProduct, updateProduct, archiveProduct. Tenancy: vendor staff write their own vendor's
 * products, admins any (an admin names the vendor a new product belongs to). Each change and its
 * event (ProductCreated / ProductUpdated / ProductArchived) commit in one transaction (outbox).
 */
export interface ProductInput {
  sku: string;
  name: string;
  description: string;
  price: string;
  categoryId: string;
  vendorId?: string | null;
}
export interface ProductPatch {
  name?: string | null;
  description?: string | null;
  price?: string | null;
  categoryId?: string | null;
}

const DOMAIN = 'catalog' as const;

/** The vendor a new product belongs to: the staff member's own; for admins the one they name. */
function ownerOf(viewer: Viewer, vendorId: string | null | undefined): string {
  if (viewer.role === 'ADMIN') {
    if (!vendorId) throw badInput('Admins name the vendor of a new product (vendorId)', 'vendorId');
    if (!isUuid(vendorId)) throw badInput('vendorId is not a vendor id', 'vendorId');
    return vendorId.toLowerCase();
  }
  if (!viewer.vendorId) throw forbidden('Only staff of a vendor can list products');
  if (vendorId && vendorId.toLowerCase() !== viewer.vendorId) throw forbidden("Vendor staff list products for their own vendor only");
  return viewer.vendorId;
}

async function checkCategory(q: Queryable, categoryId: string): Promise<string> {
  if (!isUuid(categoryId) || !(await store.categoryExists(q, categoryId))) throw badInput('Unknown category', 'categoryId');
  return categoryId.toLowerCase();
}

export async function createProduct(q: Queryable, viewer: Viewer | null, input: ProductInput, limits: ProductLimits = config): Promise<ProductRow> {
  const v = requireRole(viewer, 'VENDOR', 'ADMIN');
  const vendorId = ownerOf(v, input.vendorId);
  const fields = {
    sku: checkSku(input.sku, limits),
    name: checkName(input.name, limits),
    description: checkDescription(input.description, limits),
    price: checkPrice(input.price, limits.PRODUCT_MAX_PRICE),
    category_id: await checkCategory(q, input.categoryId),
  };
  const product = await store.insertProduct(q, { ...fields, currency: CURRENCY, vendor_id: vendorId });
  if (!product) throw badInput('sku already used by another product of this vendor', 'sku');
  await recordDomainEvent(q, DOMAIN, {
    type: 'ProductCreated',
    aggregateId: product.id,
    data: {
      productId: product.id, vendorId, version: product.version, sku: product.sku, name: product.name,
      description: product.description, price: product.price, currency: product.currency, categoryId: product.category_id,
    },
  });
  return product;
}

/** The product the viewer may change, locked; NOT_FOUND / FORBIDDEN otherwise. */
async function ownProduct(q: Queryable, viewer: Viewer | null, id: string): Promise<ProductRow> {
  const v = requireRole(viewer, 'VENDOR', 'ADMIN');
  const product = isUuid(id) ? await store.lockProduct(q, id) : null;
  if (!product) throw appError(ErrorCode.NOT_FOUND, 'No such product');
  if (v.role !== 'ADMIN' && product.vendor_id !== v.vendorId) throw forbidden("Vendor staff change only their own vendor's products");
  return product;
}

/** Patch semantics: only the fields given (not null) change. An unchanged product records no event. */
export async function updateProduct(q: Queryable, viewer: Viewer | null, id: string, patch: ProductPatch, limits: ProductLimits = config): Promise<ProductRow> {
  const product = await ownProduct(q, viewer, id);
  if (product.archived_at) throw badInput('An archived product cannot be changed', 'id');
  const wanted: ProductChanges = {};
  if (patch.name != null) wanted.name = checkName(patch.name, limits);
  if (patch.description != null) wanted.description = checkDescription(patch.description, limits);
  if (patch.price != null) wanted.price = checkPrice(patch.price, limits.PRODUCT_MAX_PRICE);
  if (patch.categoryId != null) wanted.category_id = await checkCategory(q, patch.categoryId);
  const changes = Object.fromEntries(Object.entries(wanted).filter(([k, value]) => product[k as keyof ProductRow] !== value)) as ProductChanges;
  if (Object.keys(changes).length === 0) return product;
  const updated = await store.updateProduct(q, product, changes);
  await recordDomainEvent(q, DOMAIN, {
    type: 'ProductUpdated',
    aggregateId: updated.id,
    data: {
      productId: updated.id, vendorId: updated.vendor_id, version: updated.version,
      name: changes.name, description: changes.description, categoryId: changes.category_id,
      price: updated.price, currency: updated.currency,
    },
  });
  return updated;
}

/** Archives the product (it leaves listings and cannot be ordered); archiving it again changes nothing. */
export async function archiveProduct(q: Queryable, viewer: Viewer | null, id: string): Promise<ProductRow> {
  const product = await ownProduct(q, viewer, id);
  if (product.archived_at) return product;
  const archived = await store.updateProduct(q, product, { archived: true });
  await recordDomainEvent(q, DOMAIN, {
    type: 'ProductArchived',
    aggregateId: archived.id,
    data: { productId: archived.id, vendorId: archived.vendor_id, version: archived.version },
  });
  return archived;
}
