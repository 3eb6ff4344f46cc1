import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashApiKey, newApiKey, parseApiKeyFile, type ApiKeyFile } from '../src/plugins/api-keys';

/**
 * `pnpm api-key <name> <tier> <policy>`: makes a random API key, prints it once, and appends
 * only its sha256 to API_KEYS_FILE (default gateway/api-keys.json). The gateway reads the file at start.
 */
const [name, tier, policy] = process.argv.slice(2);
if (!name || !tier || (policy !== 'any' && policy !== 'manifest-only')) {
  console.error('usage: pnpm api-key <name> <tier> <any|manifest-only>');
  process.exit(2);
}
const file = path.resolve(process.env.API_KEYS_FILE ?? path.join(__dirname, '..', 'api-keys.json'));
const current: ApiKeyFile = existsSync(file) ? parseApiKeyFile(readFileSync(file, 'utf8'), file) : { keys: [] };
const key = newApiKey();
current.keys.push({ name, tier, policy, sha256: hashApiKey(key), createdAt: new Date().toISOString() });
writeFileSync(file, JSON.stringify(current, null, 2) + '\n');
console.log(`API key for ${name} (tier ${tier}, ${policy}); shown only now, ${path.relative(process.cwd(), file)} keeps its hash:\n${key}`);
