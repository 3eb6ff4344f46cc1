import { describe, expect, it } from 'vitest';
import { demoId } from '@cloudlab/kit';
import { parseRequest } from './request';
import { facetStatement, pageStatement, readFacets } from './sql';

const cat = demoId('category', 1);

describe('search statements', () => {
  it('pages by (key, id) in one direction, strictly after the cursor, asking one row more', () => {
    const asc = pageStatement({ ...parseRequest({ sort: 'PRICE_ASC', first: 10 }, 200), after: ['PRICE_ASC', '9.99', demoId('product', 1)] });
    expect(asc.text).toMatch(/WHERE \(k, id\) > \(\$1::numeric, \$2::uuid\)/);
    expect(asc.text).toMatch(/ORDER BY k ASC, id ASC LIMIT \$3/);
    expect(asc.values).toEqual(['9.99', demoId('product', 1), 11]);
    const newest = pageStatement({ ...parseRequest({ sort: 'NEWEST' }, 200), after: ['NEWEST', '2026-01-01 00:00:00+00', demoId('product', 1)] });
    expect(newest.text).toMatch(/\(k, id\) < \(\$1::timestamptz, \$2::uuid\)/);
    expect(newest.text).toMatch(/ORDER BY k DESC, id DESC/);
  });

  it('ranks by score only with a query; relevance without one is the newest first', () => {
    expect(pageStatement(parseRequest({ query: 'oak chair' }, 200)).text).toMatch(/round\(/);
    const browse = pageStatement(parseRequest({}, 200));
    expect(browse.text).toMatch(/SELECT id, created_at AS k/);
    expect(browse.values).toEqual([25]);
  });

  it('facets leave out their own filter only (multi-select)', () => {
    const s = facetStatement(parseRequest({ query: 'oak', filter: { categoryIds: [cat], inStock: true } }, 200), [25, 50]);
    const line = (facet: string) => s.text.split('\n').find((l) => l.includes(`AS n_${facet}`))!;
    expect(line('category')).not.toMatch(/f_category/);
    expect(line('category')).toMatch(/f_vendor AND f_price AND f_rating AND f_stock/);
    expect(line('stock')).toMatch(/f_category AND f_vendor AND f_price AND f_rating AND in_stock/);
    expect(line('rating_4')).toMatch(/f_category AND f_vendor AND f_price AND f_stock AND rating >= 4/);
    expect(line('total')).toMatch(/f_category AND f_vendor AND f_price AND f_rating AND f_stock/);
    expect(s.values).toContainEqual([cat]);
  });

  it("counts a browse's facets over the facet counts: cells weigh their n, price on buckets, rating on whole stars", () => {
    const s = facetStatement(parseRequest({ filter: { categoryIds: [cat], minPrice: '50', minRating: 4 } }, 200), [25, 50], 'counts');
    expect(s.text).toMatch(/FROM search_facet_counts\s+UNION ALL SELECT .* FROM search_facet_deltas/);
    expect(s.text).toMatch(/bucket >= 2 AS f_price/);
    expect(s.text).toMatch(/stars >= \$\d+ AS f_rating/);
    expect(s.text).toMatch(/coalesce\(sum\(n\) FILTER/);
    expect(s.text).not.toMatch(/search_products/);
  });

  it('reads facet rows: every price bucket in order, rating steps, largest entries first, limited', () => {
    const rows = [
      { facet: 'total', key: '', count: 9 },
      { facet: 'category', key: 'b', count: 2 },
      { facet: 'category', key: 'a', count: 7 },
      { facet: 'vendor', key: 'v', count: 9 },
      { facet: 'price', key: '0', count: 4 },
      { facet: 'price', key: '2', count: 5 },
      { facet: 'rating', key: '4', count: 3 },
      { facet: 'rating', key: '1', count: 8 },
      { facet: 'stock', key: '', count: 6 },
    ];
    const f = readFacets(rows, [25, 50], 1);
    expect(f.total).toBe(9);
    expect(f.categories).toEqual([{ id: 'a', count: 7 }]);
    expect(f.priceRanges).toEqual([
      { min: '0.00', max: '25.00', count: 4 },
      { min: '25.00', max: '50.00', count: 0 },
      { min: '50.00', max: null, count: 5 },
    ]);
    expect(f.priceRanges.reduce((n, r) => n + r.count, 0)).toBe(f.total);
    expect(f.ratings).toEqual([{ atLeast: 4, count: 3 }, { atLeast: 3, count: 0 }, { atLeast: 2, count: 0 }, { atLeast: 1, count: 8 }]);
    expect(f.inStockCount).toBe(6);
  });
});
