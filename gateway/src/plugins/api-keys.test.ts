import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRST_PARTY_WEB, apiKeys, hashApiKey, newApiKey } from './api-keys';

function keyFile(keys: object[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'api-keys-')), 'keys.json');
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

describe('API keys', () => {
  const key = newApiKey();
  const identify = apiKeys(keyFile([{ name: 'acme', tier: 'gold', policy: 'manifest-only', sha256: hashApiKey(key) }]));

  it('names the first-party web app when there is no key', () => {
    expect(identify({})).toBe(FIRST_PARTY_WEB);
  });

  it('names the client of a known key, with its tier and policy', () => {
    expect(identify({ 'x-api-key': key })).toEqual({ name: 'acme', tier: 'gold', policy: 'manifest-only' });
  });

  it('refuses an unknown or empty key with 401 UNAUTHENTICATED', () => {
    for (const bad of [newApiKey(), '']) {
      expect(() => identify({ 'x-api-key': bad })).toThrow(expect.objectContaining({ message: 'Unknown API key', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }));
    }
  });

  it('stops at start on a malformed file, naming it', () => {
    const file = keyFile([{ name: 'acme', tier: 'gold', policy: 'sometimes', sha256: 'x' }]);
    expect(() => apiKeys(file)).toThrow(new RegExp(`${file}: keys.0.policy`));
  });

  it('makes keys that differ every time', () => {
    expect(newApiKey()).not.toBe(newApiKey());
    expect(newApiKey()).toMatch(/^clk_[\w-]{43}$/);
  });
});
