import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * The development landing page (GET /graphql from a browser), usable without internet. Apollo's
 * embedded Sandbox comes from Apollo's CDN; this page tries it first and, when the CDN cannot be
 * reached (no internet, a blocked domain, or no answer within 4 s), shows GraphiQL 3 from npm
 * instead, inlined into the page (its UMD build with React 18's), so nothing else is fetched.
 * `SANDBOX=graphiql` skips the CDN, `SANDBOX=apollo` never falls back. Production has no landing
 * page at all (server.ts).
 */
export type SandboxMode = 'auto' | 'apollo' | 'graphiql';

const APOLLO_EMBED = 'https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js';

/** A file of an npm package by its path in the package (the UMD builds are not in the packages' exports). */
const asset = (pkg: string, file: string) => readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file), 'utf8');
/** `</script>` inside inlined code would end the script element early. */
const inline = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1');

export function sandboxPage(mode: SandboxMode): string {
  const graphiql =
    mode === 'apollo'
      ? ''
      : `<style>${asset('graphiql', 'graphiql.min.css')}</style>
<script>${inline(asset('react', 'umd/react.production.min.js'))}</script>
<script>${inline(asset('react-dom', 'umd/react-dom.production.min.js'))}</script>
<script>${inline(asset('graphiql', 'graphiql.min.js'))}</script>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Cloud Lab API (development)</title>
<style>html,body,#sandbox{height:100%;margin:0;width:100%}</style>
${graphiql}
</head>
<body>
<div id="sandbox"></div>
<script>
(function () {
  var mode = ${JSON.stringify(mode)};
  var endpoint = location.origin + location.pathname;
  var shown = false;
  function showGraphiQL(why) {
    if (shown || mode === 'apollo') return;
    shown = true;
    document.title = 'Cloud Lab API: GraphiQL (offline sandbox)';
    var fetcher = GraphiQL.createFetcher({ url: endpoint });
    var root = ReactDOM.createRoot(document.getElementById('sandbox'));
    root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
    if (why) console.info('Sandbox: showing the self-hosted GraphiQL (' + why + ')');
  }
  if (mode === 'graphiql') return showGraphiQL('SANDBOX=graphiql');
  var timer = setTimeout(function () { showGraphiQL("Apollo's CDN did not answer within 4 s"); }, 4000);
  var s = document.createElement('script');
  s.src = ${JSON.stringify(APOLLO_EMBED)};
  s.onload = function () {
    if (shown) return;
    clearTimeout(timer);
    shown = true;
    new window.EmbeddedSandbox({ target: '#sandbox', initialEndpoint: endpoint, includeCookies: false });
  };
  s.onerror = function () { clearTimeout(timer); showGraphiQL("Apollo's CDN cannot be reached"); };
  document.head.appendChild(s);
})();
</script>
</body>
</html>`;
}

export function offlineCapableSandbox(mode: SandboxMode = parseMode(process.env.SANDBOX)): ApolloServerPlugin {
  return {
    async serverWillStart() {
      const html = sandboxPage(mode);
      return { async renderLandingPage() { return { html }; } };
    },
  };
}

export function parseMode(value: string | undefined): SandboxMode {
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'apollo' || value === 'graphiql') return value;
  throw new Error(`SANDBOX must be auto, apollo or graphiql (got "${value}")`);
}
