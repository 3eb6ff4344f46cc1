import { CloudLab, CloudLabError } from './src';

/**
 * The SDK's example: what a mobile app does on start. Browse anonymously, sign in, read the
 * user's orders. Run it against `pnpm start`: `pnpm --filter @cloudlab/sdk example` (GRAPHQL_URL
 * and API_KEY override the defaults).
 */
export async function main(
  url = process.env.GRAPHQL_URL ?? 'http://127.0.0.1:4000/graphql',
  apiKey = process.env.API_KEY ?? 'clk_demo_mobile_0000000000000000',
  log: (line: string) => void = console.log,
): Promise<{ products: number; firstProduct: string; orders: number }> {
  const api = new CloudLab({ url, apiKey });
  const home = await api.request('StorefrontHome', { first: 3 });
  for (const { node } of home.products.edges) log(`${node.name}: ${node.price.amount} ${node.price.currency}, ${node.inStock ? 'in stock' : 'sold out'}`);
  const first = home.products.edges[0]!.node;
  const page = await api.request('ProductPage', { id: first.id });
  log(`${page.product?.name} has ${page.product?.stock?.available ?? 0} available`);

  const session = await api.request('Login', { email: 'customer@cloudlab.dev', password: 'cloudlab-demo' });
  api.setToken(session.login.accessToken);
  const mine = await api.request('MyOrders');
  log(`${session.login.user.name} has ${mine.me?.orders?.edges.length ?? 0} recent orders`);
  try {
    await api.request('PlatformStats', { from: '2026-01-01', to: '2026-12-31' });
  } catch (err) {
    if (!(err instanceof CloudLabError)) throw err;
    log(`platformStats is for admins: ${err.code}`);
  }
  return { products: home.products.edges.length, firstProduct: first.name, orders: mine.me?.orders?.edges.length ?? 0 };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
