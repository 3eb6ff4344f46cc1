import { describe, expect, it } from 'vitest';
import { invitationHash, looksLikeInvitation, newInvitation, slugFor } from './invitations';

describe('invitation codes', () => {
  it('are 192 random bits, different every time, and stored only as their sha256', () => {
    const codes = Array.from({ length: 100 }, () => newInvitation());
    expect(new Set(codes.map((c) => c.code)).size).toBe(100);
    for (const { code, hash } of codes) {
      expect(Buffer.from(code, 'base64url')).toHaveLength(24);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toBe(invitationHash(code));
      expect(hash).not.toContain(code);
      expect(looksLikeInvitation(code)).toBe(true);
    }
  });

  it('refuses strings that this service cannot have issued before any lookup', () => {
    const { code } = newInvitation();
    expect(looksLikeInvitation(code.slice(1))).toBe(false);
    expect(looksLikeInvitation(`${code.slice(1)}'`)).toBe(false);
    expect(looksLikeInvitation('')).toBe(false);
  });
});

describe('vendor slugs', () => {
  it('are lower-case words joined by dashes, accents folded', () => {
    expect(slugFor('Nordic Oak & Co.')).toBe('nordic-oak-co');
    expect(slugFor('  Café Crème  ')).toBe('cafe-creme');
    expect(slugFor('!!!')).toBe('vendor');
  });
});
