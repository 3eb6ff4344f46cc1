import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { WebSearch } from '../generated/documents';
import type { SearchSort } from '../../../generated/operations';
import { ErrorMessage, Loading } from '../ui';
import { ProductCard } from './Home';

const SORTS: [SearchSort, string][] = [
  ['RELEVANCE', 'Relevance'],
  ['PRICE_ASC', 'Price: low to high'],
  ['PRICE_DESC', 'Price: high to low'],
  ['RATING', 'Rating'],
  ['NEWEST', 'Newest'],
];

/** Search: the box's words in the URL (?q=), with facets (category, vendor, rating, in stock) and sorting. */
export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const sort = (params.get('sort') as SearchSort | null) ?? 'RELEVANCE';
  const categoryIds = params.getAll('category');
  const vendorIds = params.getAll('vendor');
  const minRating = params.get('rating') ? Number(params.get('rating')) : undefined;
  const inStock = params.get('inStock') === '1' ? true : undefined;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: WebSearch,
    variables: { query: q || null, sort, first: 24, filter: { categoryIds, vendorIds, minRating, inStock } },
  });
  const update = (change: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  };
  const toggle = (key: string, value: string) =>
    update((p) => {
      const values = p.getAll(key);
      p.delete(key);
      for (const v of values.includes(value) ? values.filter((x) => x !== value) : [...values, value]) p.append(key, v);
    });
  const facets = data?.search.facets;
  return (
    <>
      <h1>{q ? `Results for “${q}”` : 'All products'}</h1>
      <div className="search-layout">
        <aside aria-label="Filters">
          {facets && (
            <>
              <fieldset>
                <legend>Category</legend>
                {facets.categories.map((c) => (
                  <label key={c.category.id}>
                    <input type="checkbox" checked={categoryIds.includes(c.category.id)} onChange={() => toggle('category', c.category.id)} />
                    {c.category.name} ({c.count})
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Vendor</legend>
                {facets.vendors.map((v) => (
                  <label key={v.vendor.id}>
                    <input type="checkbox" checked={vendorIds.includes(v.vendor.id)} onChange={() => toggle('vendor', v.vendor.id)} />
                    {v.vendor.name} ({v.count})
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Rating</legend>
                {facets.ratings.map((r) => (
                  <label key={r.atLeast}>
                    <input type="radio" name="rating" checked={minRating === r.atLeast} onChange={() => update((p) => p.set('rating', String(r.atLeast)))} />
                    {r.atLeast}★ and up ({r.count})
                  </label>
                ))}
              </fieldset>
              <label>
                <input type="checkbox" checked={inStock === true} onChange={() => update((p) => (inStock ? p.delete('inStock') : p.set('inStock', '1')))} />
                In stock only ({facets.inStockCount})
              </label>
            </>
          )}
        </aside>
        <section aria-label="Results">
          <label>
            Sort by{' '}
            <select value={sort} onChange={(e) => update((p) => p.set('sort', e.target.value))}>
              {SORTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
          {fetching && <Loading what="Searching" />}
          {data && (
            <>
              <p role="status">{data.search.totalCount.toLocaleString('en')} results</p>
              <ul className="grid" aria-label="Search results">
                {data.search.edges.map(({ node }) => (
                  <ProductCard key={node.id} product={node} />
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </>
  );
}
