import { describe, expect, it } from 'vitest';
import { demoId, encodeCursor } from '@cloudlab/kit';
import { parseRequest, queryTerms, tsQueryText } from './request';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'no error';
};

describe('search requests', () => {
  it('keeps only letters and digits of the query: punctuation alone is no query, tsquery syntax never gets in', () => {
    expect(queryTerms('  Oak & (chair)!  ')).toEqual(['oak', 'chair']);
    expect(queryTerms('!!! ... ???')).toEqual([]);
    expect(tsQueryText(queryTerms("oak:* | !chai'r"))).toBe('oak & chai & r:*');
    expect(parseRequest({ query: '?!' }, 200).terms).toEqual([]);
  });

  it('lets each term match as typed or as one of its corrections, the last one also as a prefix', () => {
    expect(tsQueryText(['walnutt', 'lantren'], [['walnut'], ['lantern', 'lanterns']])).toBe('(walnutt | walnut) & (lantren:* | lantern | lanterns)');
    // A correction is a word: anything else (or the term itself) is left out.
    expect(tsQueryText(['oak'], [['oak', 'o|k', 'oat']])).toBe('(oak:* | oat)');
  });

  it('refuses a page over 100, an overlong query, malformed prices and ids, a rating out of 1..5', () => {
    expect(code(() => parseRequest({ first: 101 }, 200))).toBe('BAD_USER_INPUT');
    expect(code(() => parseRequest({ query: 'x'.repeat(201) }, 200))).toBe('BAD_USER_INPUT');
    expect(code(() => parseRequest({ query: 'x'.repeat(200) }, 200))).toBe('no error');
    for (const minPrice of ['abc', '1,50', '-1', '1.999', '1e3', '']) {
      expect(code(() => parseRequest({ filter: { minPrice } }, 200))).toBe('BAD_USER_INPUT');
    }
    expect(code(() => parseRequest({ filter: { minPrice: '50', maxPrice: '10.5' } }, 200))).toBe('BAD_USER_INPUT');
    expect(code(() => parseRequest({ filter: { categoryIds: ['chairs'] } }, 200))).toBe('BAD_USER_INPUT');
    expect(parseRequest({ filter: { categoryIds: [], vendorIds: [demoId('vendor', 1)] } }, 200).filters).toMatchObject({
      categoryIds: null, vendorIds: [demoId('vendor', 1)],
    });
    expect(code(() => parseRequest({ filter: { minRating: 6 } }, 200))).toBe('BAD_USER_INPUT');
    expect(parseRequest({ filter: { minPrice: '10', maxPrice: '10.50', minRating: 4 } }, 200).filters).toMatchObject({
      minPrice: '10', maxPrice: '10.50', minRating: 4,
    });
  });

  it('accepts only cursors it issued for the same sort', () => {
    const id = demoId('product', 3);
    expect(parseRequest({ sort: 'PRICE_ASC', after: encodeCursor(['PRICE_ASC', '12.99', id]) }, 200).after).toEqual(['PRICE_ASC', '12.99', id]);
    expect(code(() => parseRequest({ sort: 'PRICE_DESC', after: encodeCursor(['PRICE_ASC', '12.99', id]) }, 200))).toBe('BAD_USER_INPUT');
    expect(code(() => parseRequest({ sort: 'PRICE_ASC', after: encodeCursor(['PRICE_ASC', "1'; DROP", id]) }, 200))).toBe('BAD_USER_INPUT');
    expect(code(() => parseRequest({ after: 'garbage' }, 200))).toBe('BAD_USER_INPUT');
  });
});
