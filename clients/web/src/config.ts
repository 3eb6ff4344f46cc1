declare global {
  interface Window {
    /** Written into index.html by the server that serves the app (ops/web.ts). */
    __CLOUDLAB__?: { graphqlUrl?: string };
  }
}

/** The gateway's GraphQL endpoint: given by the server, else /graphql on this origin (Vite's proxy). */
export const graphqlUrl = (): string => new URL(window.__CLOUDLAB__?.graphqlUrl ?? '/graphql', window.location.href).toString();
export const websocketUrl = (): string => graphqlUrl().replace(/^http/, 'ws');
