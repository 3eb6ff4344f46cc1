import { badInput } from '@cloudlab/kit';
import type { Resolvers } from './generated/resolvers';
import { config } from './config';
import { openSearchEngine, searchOpenSearch, suggestOpenSearch } from './opensearch/engine';
import { search, suggest } from './search';

// OPENSEARCH_URL set: the OpenSearch engine; otherwise the Postgres engine (same API, same semantics).
const os = openSearchEngine();

const MAX_SUGGESTIONS = 20;

export const resolvers = {
  Query: {
    search: (_, args, ctx) => (os ? searchOpenSearch(os, args, ctx.log) : search(ctx.readDb, args, ctx.db)),
    searchSuggestions: async (_, { prefix, first }, ctx) => {
      const n = first ?? 8;
      if (!Number.isInteger(n) || n < 0 || n > MAX_SUGGESTIONS) throw badInput(`first must be between 0 and ${MAX_SUGGESTIONS}`, 'first');
      if (prefix.length > config.SEARCH_MAX_QUERY_LENGTH) throw badInput(`prefix must be at most ${config.SEARCH_MAX_QUERY_LENGTH} characters`, 'prefix');
      if (!prefix.trim() || n === 0) return [];
      return os ? suggestOpenSearch(os, prefix, n, ctx.log) : suggest(ctx.readDb, prefix, n);
    },
  },
} satisfies Resolvers;
