import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { SessionProvider } from './session';
import { Layout } from './Layout';
import { Home } from './pages/Home';
import { SearchPage } from './pages/Search';
import { ProductPage } from './pages/Product';
import { SignIn, SignUp } from './pages/SignIn';
import { CartPage } from './pages/Cart';
import { OrderPage, MyOrdersPage } from './pages/Orders';
import { Loading } from './ui';
import './styles.css';

// The dashboard and admin pages (and the chart library) load only when visited.
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Admin = lazy(() => import('./pages/Admin'));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Home />} />
            <Route path="search" element={<SearchPage />} />
            <Route path="products/:id" element={<ProductPage />} />
            <Route path="signin" element={<SignIn />} />
            <Route path="signup" element={<SignUp />} />
            <Route path="cart" element={<CartPage />} />
            <Route path="orders" element={<MyOrdersPage />} />
            <Route path="orders/:id" element={<OrderPage />} />
            <Route path="dashboard/*" element={<Suspense fallback={<Loading />}><Dashboard /></Suspense>} />
            <Route path="admin" element={<Suspense fallback={<Loading />}><Admin /></Suspense>} />
            <Route path="*" element={<h1>Page not found</h1>} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
