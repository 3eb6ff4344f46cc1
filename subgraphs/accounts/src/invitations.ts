import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits, URL-safe: unguessable, and short enough to paste. */
const CODE_BYTES = 24;
const CODE_SHAPE = /^[A-Za-z0-9_-]{32}$/;

/** What is stored for a code: its sha256. A high-entropy code needs no slow KDF. */
export const invitationHash = (code: string) => createHash('sha256').update(code).digest('hex');

/** A fresh one-time code and the hash to store; only the caller ever sees the code. */
export function newInvitation(): { code: string; hash: string } {
  const code = randomBytes(CODE_BYTES).toString('base64url');
  return { code, hash: invitationHash(code) };
}

/** Whether a string could be a code this service issued (anything else is refused without a query). */
export const looksLikeInvitation = (code: string) => CODE_SHAPE.test(code);

/** A vendor's URL name: lower-case words joined by dashes ("Nordic Oak & Co." → "nordic-oak-co"). */
export function slugFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'vendor';
}
