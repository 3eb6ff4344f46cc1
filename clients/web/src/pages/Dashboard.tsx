import { useState, type FormEvent } from 'react';
import type { OperationResult } from 'urql';
import { Link, NavLink, Route, Routes, useNavigate, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  ArchiveProduct,
  Categories,
  ConfirmMediaUpload,
  CreateProduct,
  CreateProductImageUpload,
  JoinVendor,
  MyVendor,
  ProductForEdit,
  ProductImagesForEdit,
  Restock,
  ShipOrder,
  UpdateProduct,
  VendorOrders,
  VendorProducts,
  VendorSales,
  Warehouses,
} from '../generated/documents';
import { useSession } from '../session';
import { imageWaitMs } from '../config';
import { sendWithProgress, uploadProductImage, type Answer, type UploadState } from '../image-upload';
import { ErrorMessage, Loading, ProductImage, errorText, money, moneyList } from '../ui';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Vendor staff's dashboard: sales, products (create, edit, archive, restock), orders to ship. */
export default function Dashboard() {
  const { user } = useSession();
  const [{ data, fetching, error }] = useQuery({ query: MyVendor, pause: !user });
  if (!user) return <p><Link to="/signin" state={{ from: '/dashboard' }}>Sign in</Link> to open the dashboard.</p>;
  if (error) return <ErrorMessage error={error} />;
  if (fetching || !data) return <Loading what="Loading dashboard" />;
  const vendor = data.me?.vendor;
  if (!vendor) return <JoinVendorForm />;
  return (
    <>
      <h1>Dashboard: {vendor.name}</h1>
      <nav aria-label="Dashboard" className="subnav">
        <NavLink end to="/dashboard">Overview</NavLink>
        <NavLink to="/dashboard/products">Products</NavLink>
        <NavLink to="/dashboard/products/new">New product</NavLink>
      </nav>
      <Routes>
        <Route index element={<><SalesReport vendorId={vendor.id} /><OrdersToShip /></>} />
        <Route path="products" element={<ProductList vendorId={vendor.id} />} />
        <Route path="products/new" element={<ProductForm vendorId={vendor.id} />} />
        <Route path="products/:id" element={<ProductForm vendorId={vendor.id} />} />
      </Routes>
    </>
  );
}

function JoinVendorForm() {
  const [code, setCode] = useState('');
  const [result, join] = useMutation(JoinVendor);
  const { signIn, user } = useSession();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await join({ invitationCode: code });
    if (r.data && user) signIn(r.data.joinVendor.accessToken, { ...user, role: r.data.joinVendor.user.role });
  };
  return (
    <form className="form" onSubmit={submit}>
      <h1>Join a vendor</h1>
      <p>You are not staff of a vendor. An admin can give you an invitation code.</p>
      <label htmlFor="code">Invitation code</label>
      <input id="code" required value={code} onChange={(e) => setCode(e.target.value)} />
      {result.error && <ErrorMessage error={result.error} />}
      <button type="submit" disabled={result.fetching}>Join</button>
    </form>
  );
}

function SalesReport({ vendorId }: { vendorId: string }) {
  const [to] = useState(() => new Date());
  const from = new Date(to.getTime() - 29 * 86_400_000);
  const [{ data, fetching, error }, refetch] = useQuery({ query: VendorSales, variables: { vendorId, from: day(from), to: day(to), granularity: 'DAY' } });
  const report = data?.vendor?.salesReport;
  const series = report?.series.map((s) => ({ period: s.period.slice(5), revenue: Number(s.revenue[0]?.amount ?? 0), orders: s.orders })) ?? [];
  return (
    <section aria-labelledby="sales-heading">
      <h2 id="sales-heading">Sales, last 30 days</h2>
      {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading what="Loading sales" />}
      {report && (
        <>
          <dl className="stats">
            <div><dt>Orders</dt><dd>{report.orders}</dd></div>
            <div><dt>Units</dt><dd>{report.units}</dd></div>
            <div><dt>Revenue</dt><dd>{moneyList(report.revenue)}</dd></div>
            <div><dt>Average order</dt><dd>{moneyList(report.averageOrderValue)}</dd></div>
            <div><dt>Cancelled</dt><dd>{(report.cancellationRate * 100).toFixed(1)} %</dd></div>
          </dl>
          <figure className="chart" aria-label="Revenue per day">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={series}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="period" />
                <YAxis />
                <Tooltip />
                <Bar dataKey="revenue" fill="#3b6ea5" name={`Revenue (${report.revenue[0]?.currency ?? 'EUR'})`} />
              </BarChart>
            </ResponsiveContainer>
            <figcaption>Revenue per day ({series.length} days with sales)</figcaption>
          </figure>
          <h3>Top products</h3>
          <ol>
            {report.topProducts.map((p) => (
              <li key={p.product.id}>{p.product.name}: {p.units} units, {moneyList(p.revenue)}</li>
            ))}
          </ol>
        </>
      )}
      {data && !report && <p>No report for this vendor.</p>}
    </section>
  );
}

function OrdersToShip() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: VendorOrders, variables: { first: 20 }, requestPolicy: 'cache-and-network' });
  const [ship, shipOrder] = useMutation(ShipOrder);
  const orders = data?.me?.vendor?.orders?.edges.map((e) => e.node).filter((o) => o.status === 'CONFIRMED') ?? [];
  const submit = async (e: FormEvent<HTMLFormElement>, orderId: string) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const r = await shipOrder({ orderId, carrier: String(form.get('carrier')), trackingNumber: String(form.get('tracking')) });
    if (r.data) refetch({ requestPolicy: 'network-only' });
  };
  return (
    <section aria-labelledby="ship-heading">
      <h2 id="ship-heading">Orders to ship</h2>
      {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading what="Loading orders" />}
      {ship.error && <ErrorMessage error={ship.error} />}
      {data && orders.length === 0 && <p>Nothing to ship among the latest orders.</p>}
      <ul className="orders">
        {orders.map((o) => (
          <li key={o.id}>
            <p>Order {o.id.slice(0, 8)}: {o.lines.map((l) => `${l.quantity} × ${l.product?.name ?? '?'}`).join(', ')}</p>
            <form className="inline" onSubmit={(e) => submit(e, o.id)}>
              <label>Carrier <input name="carrier" required defaultValue="DHL" /></label>
              <label>Tracking number <input name="tracking" required /></label>
              <button type="submit" disabled={ship.fetching}>Ship</button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ProductList({ vendorId }: { vendorId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: VendorProducts, variables: { vendorId, first: 20 }, requestPolicy: 'cache-and-network' });
  const [warehouses] = useQuery({ query: Warehouses });
  const [archive, archiveProduct] = useMutation(ArchiveProduct);
  const [restock, restockProduct] = useMutation(Restock);
  const [message, setMessage] = useState('');
  const onRestock = async (e: FormEvent<HTMLFormElement>, productId: string, name: string) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const r = await restockProduct({ productId, warehouseId: String(form.get('warehouse')), quantity: Number(form.get('quantity')) });
    if (r.data) setMessage(`${name}: ${r.data.restock.available} available`);
  };
  const onArchive = async (id: string, name: string) => {
    const r = await archiveProduct({ id });
    if (r.data) {
      setMessage(`${name} archived`);
      refetch({ requestPolicy: 'network-only' });
    }
  };
  return (
    <section aria-labelledby="products-heading">
      <h2 id="products-heading">Products</h2>
      <p role="status">{message}</p>
      {(error || archive.error || restock.error || warehouses.error) && <ErrorMessage error={(error ?? archive.error ?? restock.error ?? warehouses.error)!} />}
      {fetching && !data && <Loading what="Loading products" />}
      {data && <p className="muted">{data.search.totalCount} products (newest first; new ones appear once search has indexed them)</p>}
      <table>
        <thead>
          <tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Stock</th><th scope="col">Restock</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {data?.search.edges.map(({ node }) => (
            <tr key={node.id}>
              <td><Link to={`/products/${node.id}`}>{node.name}</Link> <span className="muted">{node.sku}</span></td>
              <td>{money(node.price)}</td>
              <td>{node.stock?.available ?? 0}</td>
              <td>
                <form className="inline" onSubmit={(e) => onRestock(e, node.id, node.name)}>
                  <label className="visually-hidden" htmlFor={`wh-${node.id}`}>Warehouse for {node.name}</label>
                  <select id={`wh-${node.id}`} name="warehouse">
                    {warehouses.data?.warehouses.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
                  </select>
                  <label className="visually-hidden" htmlFor={`q-${node.id}`}>Quantity for {node.name}</label>
                  <input id={`q-${node.id}`} name="quantity" type="number" min={1} defaultValue={10} />
                  <button type="submit" disabled={restock.fetching}>Restock</button>
                </form>
              </td>
              <td>
                <Link to={`/dashboard/products/${node.id}`}>Edit</Link>{' '}
                <button type="button" onClick={() => onArchive(node.id, node.name)} disabled={archive.fetching}>Archive {node.name}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A GraphQL result as the upload steps want it: the data, or the first error's code and message. */
function answer<D, T>(r: OperationResult<D>, pick: (data: D) => T): Answer<T> {
  if (r.data) return { data: pick(r.data) };
  const code = r.error?.graphQLErrors[0]?.extensions?.code;
  return { error: { code: typeof code === 'string' ? code : undefined, message: r.error ? errorText(r.error) : 'no answer' } };
}

/** The content subgraph's upload through this app's client (see image-upload.ts for the steps). */
function useImageUpload() {
  const client = useClient();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const upload = (productId: string, file: File, alt: string | null) =>
    uploadProductImage(
      {
        createUpload: async (vars) => answer(await client.mutation(CreateProductImageUpload, vars).toPromise(), (d) => d.createProductImageUpload),
        send: sendWithProgress,
        confirm: async (vars) => answer(await client.mutation(ConfirmMediaUpload, vars).toPromise(), (d) => d.confirmMediaUpload),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
        productWaitMs: imageWaitMs(),
        retryEveryMs: 1000,
      },
      { productId, file, alt },
      setState,
    );
  return { state, upload };
}

function UploadProgress({ state }: { state: UploadState }) {
  if (state.phase === 'idle') return null;
  if (state.phase === 'error') return <ErrorMessage error={`Image not added: ${state.message}`} />;
  const percent = state.phase === 'uploading' && state.total ? Math.round((state.loaded / state.total) * 100) : 0;
  return (
    <div className="upload" role="status" aria-live="polite" data-testid="image-upload">
      {state.phase === 'waiting' && <p>Waiting for the image service to learn of the new product…</p>}
      {state.phase === 'uploading' && (
        <>
          <label htmlFor="upload-progress">Uploading image: {percent} %</label>
          <progress id="upload-progress" max={state.total} value={state.loaded} />
        </>
      )}
      {state.phase === 'processing' && <p>Processing image (checking it and making its sizes)…</p>}
      {state.phase === 'ready' && <p>Image ready.</p>}
    </div>
  );
}

/** The images a product has now (edit page): thumbnails in the storefront's order. */
function CurrentImages({ productId, name }: { productId: string; name: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProductImagesForEdit, variables: { id: productId }, requestPolicy: 'cache-and-network' });
  const images = data?.product?.images ?? [];
  return (
    <section aria-labelledby="images-heading">
      <h3 id="images-heading">Images</h3>
      {error && <ErrorMessage error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading what="Loading images" />}
      {data && images.length === 0 && <p className="muted">No images yet.</p>}
      <ul className="thumbs">
        {images.map((image) => (
          <li key={image.id}>
            <ProductImage name={name} image={image} size="card" />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Create or edit a product, with an optional image: the product is saved first (an image belongs
 * to a product), then the image goes up (waiting → uploading with progress → processing → ready)
 * and the product page opens. A failed image leaves the saved product and its form, to try again.
 */
function ProductForm({ vendorId }: { vendorId: string }) {
  const { id } = useParams();
  const navigate = useNavigate();
  const [categories] = useQuery({ query: Categories });
  const [existing] = useQuery({ query: ProductForEdit, variables: { id: id ?? '' }, pause: !id });
  const [created, createProduct] = useMutation(CreateProduct);
  const [updated, updateProduct] = useMutation(UpdateProduct);
  const { state: upload, upload: uploadImage } = useImageUpload();
  // A new product saved by this form whose image failed: saving again updates it, never creates another.
  const [savedId, setSavedId] = useState<string | undefined>();
  const product = existing.data?.product;
  if (id && (existing.fetching || categories.fetching)) return <Loading what="Loading product" />;
  if (id && existing.error) return <ErrorMessage error={existing.error} />;
  if (id && !product) return <p>Product not found.</p>;
  const productId = id ?? savedId;
  const busy = created.fetching || updated.fetching || ['waiting', 'uploading', 'processing'].includes(upload.phase);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const fields = { name: String(f.get('name')), description: String(f.get('description')), price: String(f.get('price')), categoryId: String(f.get('category')) };
    const r = productId ? await updateProduct({ id: productId, patch: fields }) : await createProduct({ input: { ...fields, sku: String(f.get('sku')), vendorId } });
    const saved = r.data && ('createProduct' in r.data ? r.data.createProduct : r.data.updateProduct);
    if (!saved) return;
    const file = f.get('image');
    if (file instanceof File && file.size > 0) {
      setSavedId(saved.id);
      const alt = String(f.get('alt') ?? '').trim();
      if (!(await uploadImage(saved.id, file, alt || null))) return;
    }
    navigate(`/products/${saved.id}`);
  };
  const error = categories.error ?? created.error ?? updated.error;
  return (
    <>
      <form className="form" onSubmit={submit} key={product?.id ?? 'new'}>
        <h2>{id ? `Edit ${product?.name}` : 'New product'}</h2>
        {!id && (<><label htmlFor="sku">SKU</label><input id="sku" name="sku" required readOnly={!!savedId} /></>)}
        <label htmlFor="name">Name</label>
        <input id="name" name="name" required defaultValue={product?.name} />
        <label htmlFor="description">Description</label>
        <textarea id="description" name="description" required defaultValue={product?.description} />
        <label htmlFor="price">Price (EUR)</label>
        <input id="price" name="price" required inputMode="decimal" pattern="\d+(\.\d{1,2})?" defaultValue={product?.price.amount} />
        <label htmlFor="category">Category</label>
        <select id="category" name="category" required defaultValue={product?.category.id}>
          {categories.data?.categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <label htmlFor="image">{id ? 'Add an image' : 'Image'} (JPEG, PNG, WebP or AVIF; optional)</label>
        <input id="image" name="image" type="file" accept="image/jpeg,image/png,image/webp,image/avif" />
        <label htmlFor="alt">Alt text for the image</label>
        <input id="alt" name="alt" maxLength={500} />
        <UploadProgress state={upload} />
        {savedId && !id && upload.phase === 'error' && (
          <p>
            The product was saved without the image: <Link to={`/products/${savedId}`}>view it</Link>, or choose another image and save again.
          </p>
        )}
        {error && <ErrorMessage error={error} />}
        <button type="submit" disabled={busy}>{productId ? 'Save' : 'Create product'}</button>
      </form>
      {id && product && <CurrentImages productId={id} name={product.name} />}
    </>
  );
}
