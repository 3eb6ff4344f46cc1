import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  it('accepts the password a hash was made from and nothing else', async () => {
    const stored = await hashPassword('cloudlab-demo');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('cloudlab-demo', stored)).toBe(true);
    expect(await verifyPassword('cloudlab-demo ', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords do not give equal hashes', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses users without a password hash', async () => {
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});
