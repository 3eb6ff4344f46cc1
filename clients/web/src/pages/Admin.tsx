import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CreateVendor, PlatformStats, Vendors } from '../generated/documents';
import { useSession } from '../session';
import { ErrorMessage, Loading, moneyList } from '../ui';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Admins: platform figures, vendors, and opening a vendor with an invitation for its first staff member. */
export default function Admin() {
  const { user } = useSession();
  const [to] = useState(() => new Date());
  const from = new Date(to.getTime() - 29 * 86_400_000);
  const [stats] = useQuery({ query: PlatformStats, variables: { from: day(from), to: day(to) }, pause: user?.role !== 'ADMIN' });
  const [vendors, refetchVendors] = useQuery({ query: Vendors, pause: user?.role !== 'ADMIN' });
  const [created, createVendor] = useMutation(CreateVendor);
  const [name, setName] = useState('');
  if (user?.role !== 'ADMIN') return <p role="alert">Only admins may see this page.</p>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await createVendor({ name });
    if (r.data) {
      setName('');
      refetchVendors({ requestPolicy: 'network-only' });
    }
  };
  const s = stats.data?.platformStats;
  return (
    <>
      <h1>Admin</h1>
      <section aria-labelledby="stats-heading">
        <h2 id="stats-heading">Platform, last 30 days</h2>
        {stats.error && <ErrorMessage error={stats.error} />}
        {stats.fetching && <Loading />}
        {s && (
          <>
            <dl className="stats">
              <div><dt>Orders</dt><dd>{s.orders}</dd></div>
              <div><dt>Revenue</dt><dd>{moneyList(s.revenue)}</dd></div>
              <div><dt>Active vendors</dt><dd>{s.activeVendors}</dd></div>
            </dl>
            <h3>Top vendors</h3>
            <ol>{s.topVendors.map((v) => <li key={v.vendor.id}>{v.vendor.name}: {moneyList(v.revenue)}</li>)}</ol>
          </>
        )}
      </section>
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">Open a vendor</h2>
        <form className="form" onSubmit={submit}>
          <label htmlFor="vendor-name">Vendor name</label>
          <input id="vendor-name" required value={name} onChange={(e) => setName(e.target.value)} />
          {created.error && <ErrorMessage error={created.error} />}
          <button type="submit" disabled={created.fetching}>Create vendor and invitation</button>
        </form>
        {created.data && (
          <p role="status">
            {created.data.createVendor.vendor.name} is open. Invitation code for its first staff member (shown once):{' '}
            <code>{created.data.createVendor.invitationCode}</code>
          </p>
        )}
      </section>
      <section aria-labelledby="vendors-heading">
        <h2 id="vendors-heading">Vendors</h2>
        {vendors.error && <ErrorMessage error={vendors.error} />}
        {vendors.fetching && !vendors.data && <Loading />}
        <ul>{vendors.data?.vendors.map((v) => <li key={v.id}>{v.name} <span className="muted">({v.slug})</span></li>)}</ul>
      </section>
    </>
  );
}
