import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@cloudlab/kit';
import { z } from 'zod';

/** `any`: ad-hoc documents and APQ; `manifest-only`: only ids from the persisted-query manifest. */
export type PersistedQueryPolicy = 'any' | 'manifest-only';

/** Who is calling, as far as the edge is concerned; the rate limiter reads `tier`. */
export interface Client {
  name: string;
  tier: string;
  policy: PersistedQueryPolicy;
}

/** A request without `x-api-key`: the first-party web app. */
export const FIRST_PARTY_WEB: Client = { name: 'web', tier: 'web', policy: 'any' };

export const API_KEY_HEADER = 'x-api-key';

const apiKeyFile = z.object({
  keys: z.array(
    z.object({
      name: z.string().min(1),
      tier: z.string().min(1),
      policy: z.enum(['any', 'manifest-only']),
      // Only the hash is stored: a leaked file does not leak working keys.
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex of the key'),
      createdAt: z.string().optional(),
    }),
  ),
});
export type ApiKeyFile = z.infer<typeof apiKeyFile>;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new random key: 32 bytes of entropy, prefixed so it is recognisable in a secret scanner. */
export const newApiKey = () => `clk_${randomBytes(32).toString('base64url')}`;

export function parseApiKeyFile(text: string, file: string): ApiKeyFile {
  const parsed = apiKeyFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The API keys of third-party and mobile clients, read once at start from API_KEYS_FILE.
 * Returns the context step that names the client of a request: no `x-api-key` → the first-party
 * web app; a known key → its client; an unknown key → 401 UNAUTHENTICATED (never anonymous,
 * so a client with a revoked or mistyped key finds out).
 */
export function apiKeys(file: string) {
  const byHash = new Map<string, Client>();
  for (const { sha256, name, tier, policy } of parseApiKeyFile(readFileSync(file, 'utf8'), file).keys) {
    byHash.set(sha256, { name, tier, policy });
  }
  return (headers: IncomingHttpHeaders): Client => {
    const header = headers[API_KEY_HEADER];
    if (header === undefined) return FIRST_PARTY_WEB;
    const key = Array.isArray(header) ? header[0] : header;
    const client = key ? byHash.get(hashApiKey(key.trim())) : undefined;
    if (!client) throw new GraphQLError('Unknown API key', { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
    return client;
  };
}
