import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVALIDATING_TOPICS } from './cache-invalidation';

const subgraphs = join(__dirname, '../../subgraphs');

/** Whether the subgraph owning `cloudlab.<domain>` records any event at all (its outbox feeds the topic). */
function publishes(domain: string): boolean {
  const dir = join(subgraphs, domain, 'src');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  } catch {
    return false;
  }
  return files.some((f) => readFileSync(join(dir, f), 'utf8').includes('recordEvent('));
}

describe('cache invalidation', () => {
  it('listens only to topics that some subgraph publishes', () => {
    const silent = INVALIDATING_TOPICS.filter((topic) => !publishes(topic.replace(/^cloudlab\./, '')));
    expect(silent).toEqual([]);
  });
});
