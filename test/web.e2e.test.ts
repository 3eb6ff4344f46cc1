import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { WEB_DIST, ensureWebBuild, serveWeb } from '@cloudlab/ops/web';
import { gql, login } from './support/client';
import { freePort } from './support/ports';

/**
 * The web app (clients/web) in a real browser: Debian's Chromium driven by playwright-core, on
 * the shared stack. CI's real-service leg sets CHROMIUM_PATH (ops/services/chromium.sh); without
 * it the stories are skipped, by name. WEB_SCREENSHOTS_DIR=docs/screenshots writes the README's
 * screenshots.
 */
const CHROMIUM = process.env.CHROMIUM_PATH;
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!CHROMIUM)(`the web app in a browser${CHROMIUM ? '' : ' (skipped: CHROMIUM_PATH is unset; ops/services/chromium.sh env sets it)'}`, () => {
  let browser: Browser;
  let server: Server;
  let web: string;
  const created: string[] = [];

  beforeAll(async () => {
    await ensureWebBuild(() => {});
    const served = await serveWeb({ graphqlUrl: inject('gatewayUrl'), port: await freePort() });
    server = served.server;
    web = served.url.replace(/\/$/, '');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 180_000);

  afterAll(async () => {
    // Shared stack: whatever a story created leaves the catalog even when the story failed.
    if (created.length) {
      const vendor = await login('vendor@cloudlab.dev');
      const archive = 'mutation ArchiveProduct($id: ID!) { archiveProduct(id: $id) { id archived } }';
      for (const id of created) await gql(archive, { token: vendor, variables: { id } });
    }
    await browser?.close();
    server?.close();
  });

  async function newPage(): Promise<{ page: Page; graphqlRequests: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const graphqlRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') graphqlRequests.push(`${r.method()} ${r.postData() ?? ''}`);
    });
    page.on('websocket', (ws) => graphqlRequests.push(`WS ${ws.url()}`));
    // A failed story says what the page was told: GraphQL errors and uncaught exceptions.
    page.on('response', (r) => {
      if (new URL(r.url()).pathname !== '/graphql') return;
      void r.text().then((body) => body.includes('"errors"') && console.warn(`GraphQL errors (${r.status()}): ${body.slice(0, 600)}`), () => {});
    });
    page.on('pageerror', (err) => console.warn(`page error: ${err.message}`));
    return { page, graphqlRequests, close: () => context.close() };
  }
  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    // Pictures in view decoded first (the cards' load lazily, demo pictures are drawn on first request).
    await page
      .waitForFunction('[...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight).every((i) => i.complete && i.naturalWidth > 0)', undefined, { timeout: 20_000 })
      .catch(() => console.warn(`screenshot ${name}: not every picture in view had loaded`));
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  async function signIn(page: Page, email: string) {
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('cloudlab-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signedIn(page);
  }
  /** Signing in hashes a password (scrypt): on a busy machine that takes a while. */
  async function signedIn(page: Page) {
    const out = page.getByRole('button', { name: /^Sign out/ });
    const alert = page.getByRole('alert');
    await out.or(alert).first().waitFor({ timeout: 60_000 });
    if (!(await out.isVisible())) throw new Error(`sign-in failed: ${await alert.first().textContent()}`);
  }
  /** How many of the storefront's search results for `name` carry that name (polled: the read model follows events). */
  async function expectSearchHits(page: Page, name: string, hits: number) {
    await expect
      .poll(
        async () => {
          await page.goto(`${web}/search?q=${encodeURIComponent(name)}`);
          await page.getByRole('status').filter({ hasText: 'results' }).waitFor();
          return page.getByRole('list', { name: 'Search results' }).getByRole('heading', { name, exact: true }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(hits);
  }
  /** A picture the page shows: which file the browser chose (WebP or JPEG, by size) once it has decoded it. */
  async function loadedPicture(img: Locator): Promise<{ url: string; naturalWidth: number }> {
    type Img = { complete: boolean; naturalWidth: number; currentSrc: string };
    await expect.poll(() => img.evaluate((el) => (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0), { timeout: 15_000 }).toBe(true);
    return img.evaluate((el) => ({ url: (el as unknown as Img).currentSrc, naturalWidth: (el as unknown as Img).naturalWidth }));
  }
  /** A variant the content subgraph made from an upload: named by the sha256 of the bytes (its first 32 hex digits; demo pictures are `demo/…`). */
  const UPLOADED_VARIANT = /\/media\/files\/variants\/[0-9a-f]{32}\/(thumb|card|full)\.(webp|jpg)$/;
  /** The first product on the home page that shows stock. */
  async function productInStock(page: Page): Promise<string> {
    const card = page.getByTestId('product-card').filter({ hasText: / in stock/ }).first();
    return (await card.getByRole('heading', { level: 3 }).textContent())!;
  }

  it('keeps the production build within its size budget (README: entry ≤ 120 kB gzip, dashboard ≤ 150 kB)', () => {
    const gz = (file: string) => gzipSync(readFileSync(path.join(WEB_DIST, 'assets', file))).length;
    const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    const entry = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    const dashboard = readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => f.startsWith('Dashboard-'));
    const entryKb = entry.reduce((n, f) => n + gz(f), 0) / 1024;
    const dashboardKb = dashboard.reduce((n, f) => n + gz(f), 0) / 1024;
    console.info(`bundle: entry ${entryKb.toFixed(1)} kB gzip (${entry.join(', ')}), dashboard ${dashboardKb.toFixed(1)} kB gzip`);
    expect(entry.length).toBeGreaterThan(0);
    expect(entryKb).toBeLessThan(120);
    expect(dashboardKb).toBeLessThan(150);
  });

  it('browse → search → product → cart → sign in → place order → CONFIRMED live, sending manifest ids only', async () => {
    const { page, graphqlRequests, close } = await newPage();
    // Home: the first product card, timed from navigation start; one GraphQL request for the view.
    await page.goto(web);
    await page.getByTestId('product-card').first().waitFor();
    const firstCardMs = await page.evaluate(() => performance.now());
    const homeRequests = await page.evaluate(() => (globalThis as unknown as { __cloudlabRequests: unknown[] }).__cloudlabRequests.length);
    console.info(`home: first product card after ${firstCardMs.toFixed(0)} ms; ${homeRequests} GraphQL request(s) for the page view`);
    expect(homeRequests).toBe(1);
    expect(await page.getByTestId('product-card').count()).toBe(12);
    await shot(page, 'home');
    // Not one document went over the wire: each request names a manifest id (APQ hash) only.
    for (const r of graphqlRequests.filter((r) => r.startsWith('POST'))) {
      const body = JSON.parse(r.slice(5));
      expect(body.query).toBeUndefined();
      expect(body.extensions.persistedQuery.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
    }

    const name = await productInStock(page);
    await page.getByRole('searchbox').fill(name);
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Results for “${name}”`);
    const requestsSoFar = () => page.evaluate(() => (globalThis as unknown as { __cloudlabRequests: { name: string; transport: string }[] }).__cloudlabRequests);
    const beforeProduct = (await requestsSoFar()).length;
    await page.getByRole('list', { name: 'Search results' }).getByRole('heading', { level: 3, name, exact: true }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    await page.getByTestId('stock').filter({ hasText: / in stock/ }).waitFor();
    await page.getByRole('heading', { name: 'Customers also bought' }).waitFor();
    const productView = (await requestsSoFar()).slice(beforeProduct);
    console.info(`product page: ${productView.length} GraphQL operations (${productView.map((r) => `${r.name}/${r.transport}`).join(', ')})`);
    // The product, its pictures, also-bought, and live stock: nothing else.
    expect(productView.map((r) => r.name).sort()).toEqual(['AlsoBought', 'ProductImages', 'ProductPage', 'StockChanged']);
    await shot(page, 'product');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Go to cart' }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Cart/ }).textContent()).toBe('Cart (1)');

    await page.getByRole('link', { name: 'Sign in to check out' }).click();
    await signIn(page, 'customer@cloudlab.dev');
    await page.getByRole('button', { name: 'Place order' }).click();
    // The order page follows orderStatusChanged to CONFIRMED.
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 30_000 }).toBe('CONFIRMED');
    expect(await page.getByRole('cell', { name }).count()).toBe(1);
    // The payment's verdict matches the live status, whichever of the read and the event came first.
    await expect.poll(() => page.getByTestId('payment').textContent(), { timeout: 15_000 }).toBe('Payment: AUTHORIZED');
    await shot(page, 'order');
    expect(graphqlRequests.some((r) => r.startsWith('WS '))).toBe(true);
    await close();
  });

  it('a declined payment: the order page shows CANCELLED with the reason', async () => {
    const { page, close } = await newPage();
    await page.goto(web);
    const name = await productInStock(page);
    await page.getByTestId('product-card').getByRole('heading', { level: 3, name, exact: true }).first().click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    // A new customer this time: sign up from the sign-in page.
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Browser Test');
    await page.getByLabel('E-mail').fill(`web-${randomUUID()}@cloudlab.test`);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await signedIn(page);
    await page.getByRole('link', { name: 'Cart (1)' }).click();
    await page.getByLabel('Payment').selectOption('tok_declined');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\//);
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 30_000 }).toBe('CANCELLED');
    expect(await page.getByTestId('cancellation-reason').textContent()).toMatch(/declined/i);
    await expect.poll(() => page.getByTestId('payment').textContent(), { timeout: 15_000 }).toMatch(/^Payment: DECLINED \(.+\)$/);
    await close();
  });

  it('a vendor signs in, opens the dashboard, creates a product with an image, and it shows on the storefront with that image', async () => {
    const { page, close } = await newPage();
    await page.goto(`${web}/signin`);
    await signIn(page, 'vendor@cloudlab.dev');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Sales, last 30 days' }).waitFor();
    await page.getByRole('figure', { name: 'Revenue per day' }).waitFor();
    await shot(page, 'dashboard');

    const name = `Browser Lamp ${randomUUID().slice(0, 8)}`;
    const alt = `${name}, amber`;
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('SKU').fill(`WEB-${randomUUID().slice(0, 8)}`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description').fill('A lamp made by the browser test');
    await page.getByLabel('Price (EUR)').fill('24.50');
    await page.getByLabel('Alt text for the image').fill(alt);
    // First a file that only claims to be a PNG: content's confirm refuses it, the form says so
    // and keeps the product it saved.
    const image = page.getByLabel(/^Image \(/);
    await image.setInputFiles({ name: 'not-a-picture.png', mimeType: 'image/png', buffer: Buffer.from('these bytes are not a PNG') });
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('alert').filter({ hasText: 'Image not added' }).waitFor({ timeout: 60_000 });
    const savedHref = await page.getByRole('link', { name: 'view it' }).getAttribute('href');
    const id = savedHref!.split('/').pop()!;
    created.push(id);
    // Then a real picture: saving again updates that product (no second one), uploads, opens it.
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 230, g: 160, b: 40 } } }).png().toBuffer();
    await image.setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${web}/products/${id}`, { timeout: 60_000 });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const main = await loadedPicture(page.getByRole('img', { name: alt }));
    expect(main.url).toMatch(UPLOADED_VARIANT);

    // The storefront's search finds it once the search read model has it, its card with the picture.
    await expectSearchHits(page, name, 1);
    const card = page.getByRole('list', { name: 'Search results' }).getByTestId('product-card').filter({ has: page.getByRole('heading', { name, exact: true }) });
    const searchCard = await loadedPicture(card.getByRole('img', { name: alt }));
    expect(searchCard.url).toMatch(UPLOADED_VARIANT);
    expect(searchCard.url).toMatch(/\/(thumb|card)\.(webp|jpg)$/); // a card-sized variant, not the full picture
    // Home lists the newest products first: the new one is there, with the same picture.
    await page.goto(web);
    const homeCard = page.getByTestId('product-card').filter({ has: page.getByRole('heading', { name, exact: true }) });
    await homeCard.waitFor();
    expect((await loadedPicture(homeCard.getByRole('img', { name: alt }))).url).toMatch(UPLOADED_VARIANT);

    // Archived from the dashboard's product list, it leaves the storefront.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('button', { name: `Archive ${name}` }).click();
    await page.getByRole('status').filter({ hasText: `${name} archived` }).waitFor();
    created.length = 0; // archived by the story itself: nothing left for afterAll
    await expectSearchHits(page, name, 0);
    await close();
  });
});
