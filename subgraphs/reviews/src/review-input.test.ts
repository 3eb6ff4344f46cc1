import { describe, expect, it } from 'vitest';
import { checkBody, checkPatch, checkRating } from './review-input';

const limits = { minLength: 1, maxLength: 20 };
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err: any) {
    return `${err.extensions?.code} ${err.extensions?.field}`;
  }
};

describe('review input', () => {
  it('takes ratings 1 to 5 and refuses 0, 6 and fractions, naming the field', () => {
    expect([1, 2, 3, 4, 5].map(checkRating)).toEqual([1, 2, 3, 4, 5]);
    for (const bad of [0, 6, 2.5, -1]) expect(fieldOf(() => checkRating(bad))).toBe('BAD_USER_INPUT rating');
  });

  it('trims the body and holds it to the configured length in characters', () => {
    expect(checkBody('  Lovely.  ', limits)).toBe('Lovely.');
    expect(checkBody('é'.repeat(20), limits)).toHaveLength(20);
    expect(fieldOf(() => checkBody('   ', limits))).toBe('BAD_USER_INPUT body');
    expect(fieldOf(() => checkBody('x'.repeat(21), limits))).toBe('BAD_USER_INPUT body');
  });

  it('checks only what a patch changes, and refuses an empty patch', () => {
    expect(checkPatch({ rating: 4 }, limits)).toEqual({ rating: 4, body: null });
    expect(checkPatch({ body: ' ok ', rating: null }, limits)).toEqual({ rating: null, body: 'ok' });
    expect(fieldOf(() => checkPatch({}, limits))).toBe('BAD_USER_INPUT patch');
    expect(fieldOf(() => checkPatch({ rating: 9 }, limits))).toBe('BAD_USER_INPUT rating');
  });
});
