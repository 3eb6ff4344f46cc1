import { useState, type FormEvent } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from './session';
import { useCart } from './cart';
import { NotificationBell } from './NotificationBell';

export function Layout() {
  const { user, signOut } = useSession();
  const { count } = useCart();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/search?q=${encodeURIComponent(query)}`);
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Cloud Lab
        </Link>
        <form role="search" onSubmit={submit} className="search-form">
          <label htmlFor="site-search" className="visually-hidden">
            Search products
          </label>
          <input id="site-search" type="search" role="searchbox" placeholder="Search products" value={query} onChange={(e) => setQuery(e.target.value)} />
          <button type="submit">Search</button>
        </form>
        <nav aria-label="Main">
          <NavLink to="/cart">Cart ({count})</NavLink>
          {user && <NavLink to="/orders">My orders</NavLink>}
          {(user?.role === 'VENDOR' || user?.role === 'ADMIN') && <NavLink to="/dashboard">Dashboard</NavLink>}
          {user?.role === 'ADMIN' && <NavLink to="/admin">Admin</NavLink>}
          {user && <NotificationBell />}
          {user ? (
            <button type="button" className="link" onClick={signOut}>
              Sign out ({user.name})
            </button>
          ) : (
            <NavLink to="/signin">Sign in</NavLink>
          )}
        </nav>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
