import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkDescription, checkName, checkPrice, checkSku, toCents } from './product-rules';

const limits = { PRODUCT_MAX_PRICE: '1000000.00', PRODUCT_SKU_MAX_LENGTH: 8, PRODUCT_NAME_MAX_LENGTH: 10, PRODUCT_DESCRIPTION_MAX_LENGTH: 20 };

function refusal(fn: () => unknown): { code: unknown; field: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphQLError) return { code: err.extensions.code, field: err.extensions.field };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('a product price', () => {
  it('is stored with two decimals', () => {
    expect(checkPrice('19.99', limits.PRODUCT_MAX_PRICE)).toBe('19.99');
    expect(checkPrice('12.5', limits.PRODUCT_MAX_PRICE)).toBe('12.50');
    expect(checkPrice('7', limits.PRODUCT_MAX_PRICE)).toBe('7.00');
    expect(checkPrice('0.01', limits.PRODUCT_MAX_PRICE)).toBe('0.01');
    expect(checkPrice('1000000.00', limits.PRODUCT_MAX_PRICE)).toBe('1000000.00');
  });

  it.each(['-1', '1.234', 'abc', '', ' 1', '1e3', '.5', '1.', '1,00', '+1', '0', '0.00', '1000000.01', '99999999999'])(
    'refuses %j with BAD_USER_INPUT on price',
    (price) => {
      expect(refusal(() => checkPrice(price, limits.PRODUCT_MAX_PRICE))).toEqual({ code: 'BAD_USER_INPUT', field: 'price' });
    },
  );

  it('follows the configured maximum', () => {
    expect(checkPrice('50.00', '50')).toBe('50.00');
    expect(refusal(() => checkPrice('50.01', '50')).code).toBe('BAD_USER_INPUT');
  });

  it('converts to cents without floating-point error', () => {
    expect(toCents('0.29')).toBe(29);
    expect(toCents('1234567.89')).toBe(123456789);
    expect(toCents('1.2.3')).toBeNull();
  });
});

describe('product text', () => {
  it('trims names and keeps them within the limit', () => {
    expect(checkName('  Lamp ', limits)).toBe('Lamp');
    expect(refusal(() => checkName('   ', limits)).field).toBe('name');
    expect(refusal(() => checkName('x'.repeat(11), limits)).field).toBe('name');
    expect(refusal(() => checkName('a\u0000b', limits)).field).toBe('name');
    expect(refusal(() => checkName('a\nb', limits)).field).toBe('name');
  });

  it('allows an empty or multi-line description within the limit', () => {
    expect(checkDescription('', limits)).toBe('');
    expect(checkDescription('one\ntwo', limits)).toBe('one\ntwo');
    expect(refusal(() => checkDescription('x'.repeat(21), limits)).field).toBe('description');
  });

  it('accepts skus of letters, digits and . _ - / only', () => {
    expect(checkSku(' AB-1/2 ', limits)).toBe('AB-1/2');
    expect(refusal(() => checkSku('A B', limits)).field).toBe('sku');
    expect(refusal(() => checkSku('-A', limits)).field).toBe('sku');
    expect(refusal(() => checkSku('ABCDEFGHI', limits)).field).toBe('sku');
  });
});
