import { badInput } from '@cloudlab/kit';
import type { ProductLimits } from './config';

/**
 * What a vendor may write into a product, checked before anything is stored. Every failure is
 * BAD_USER_INPUT naming the field. Pure functions: the limits come in as an argument.
 */

/** The marketplace prices everything in one currency (the demo's); orders refuse mixed-currency orders. */
export const CURRENCY = 'EUR';

const PRICE = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/** A decimal string in cents, or null when it is not one ("12", "12.5", "12.50"; not "-1", "1e3", ".5", "1,00"). */
export function toCents(amount: string): number | null {
  const m = PRICE.exec(amount);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The price as stored and published ("12.5" → "12.50"), or BAD_USER_INPUT. */
export function checkPrice(price: string, maxPrice: string): string {
  const cents = toCents(price);
  if (cents === null) throw badInput('price must be a decimal string with at most two decimals, e.g. "19.99"', 'price');
  if (cents <= 0) throw badInput('price must be above 0', 'price');
  if (cents > toCents(maxPrice)!) throw badInput(`price must be at most ${maxPrice}`, 'price');
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

// Control characters (NUL, escapes) have no place in product text; newlines do in descriptions.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkText(value: string, field: string, opts: { max: number; min: number; multiline?: boolean }): string {
  const text = value.trim();
  if (text.length < opts.min || text.length > opts.max) {
    throw badInput(`${field} must be ${opts.min} to ${opts.max} characters`, field);
  }
  if (CONTROL.test(text) || (!opts.multiline && /[\r\n]/.test(text))) throw badInput(`${field} contains control characters`, field);
  return text;
}

export const checkName = (name: string, limits: ProductLimits) => checkText(name, 'name', { min: 1, max: limits.PRODUCT_NAME_MAX_LENGTH });
export const checkDescription = (description: string, limits: ProductLimits) =>
  checkText(description, 'description', { min: 0, max: limits.PRODUCT_DESCRIPTION_MAX_LENGTH, multiline: true });

/** A vendor's own code for the product: letters, digits and . _ - / (no spaces), unique per vendor. */
export function checkSku(sku: string, limits: ProductLimits): string {
  const value = checkText(sku, 'sku', { min: 1, max: limits.PRODUCT_SKU_MAX_LENGTH });
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value)) throw badInput('sku may hold letters, digits and . _ - / only', 'sku');
  return value;
}
