import { describe, expect, it } from 'vitest';
import { parseMode, sandboxPage } from './sandbox';

describe('the development landing page', () => {
  it('inlines GraphiQL and React (nothing fetched but the optional Apollo CDN script)', () => {
    const html = sandboxPage('auto');
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(html).toContain('GraphiQL.createFetcher');
    // React 18's UMD and GraphiQL's are in the page itself, with no script element cut short.
    // React, ReactDOM, GraphiQL and the page's own script, none cut short by an inlined "</script>".
    expect(html.match(/<\/script>/g)!.length).toBe(4);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html.length).toBeGreaterThan(500_000);
  });

  it('SANDBOX=graphiql never touches the CDN at runtime; apollo carries no GraphiQL', () => {
    expect(sandboxPage('graphiql')).toContain('"graphiql"');
    expect(sandboxPage('apollo').length).toBeLessThan(10_000);
    expect(() => parseMode('nope')).toThrow(/SANDBOX must be/);
    expect(parseMode(undefined)).toBe('auto');
  });
});
