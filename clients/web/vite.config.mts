import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The production build `pnpm start` serves (ops/web.ts). `pnpm --filter @cloudlab/web dev` runs
 * Vite's dev server with /graphql (HTTP and graphql-ws) proxied to GATEWAY_URL.
 */
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: false,
    // The dashboard (with recharts) is a lazy chunk: storefront pages never load it.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/graphql': { target: gateway, ws: true, changeOrigin: true } } },
});
