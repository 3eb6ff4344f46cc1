declare global {
  interface Window {
    /** Written into index.html by the server that serves the app (ops/web.ts). */
    __CLOUDLAB__?: { graphqlUrl?: string; imageWaitMs?: number };
  }
}

/** The gateway's GraphQL endpoint: given by the server, else /graphql on this origin (Vite's proxy). */
export const graphqlUrl = (): string => new URL(window.__CLOUDLAB__?.graphqlUrl ?? '/graphql', window.location.href).toString();
export const websocketUrl = (): string => graphqlUrl().replace(/^http/, 'ws');

/**
 * How long the product form keeps asking for an image upload while the content subgraph has not
 * yet heard of a product created a moment ago (WEB_IMAGE_WAIT_MS, given by the server).
 */
export const imageWaitMs = (): number => window.__CLOUDLAB__?.imageWaitMs ?? 30_000;
