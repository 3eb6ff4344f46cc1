import { describe, expect, it } from 'vitest';
import { MAX_RELOADS, reloadDelay } from './order-live';

describe('reloadDelay (order page: live status vs. what was read)', () => {
  it('reads again at once when the live status is ahead of the read, whichever answered first', () => {
    expect(reloadDelay('CONFIRMED', 'PENDING', 0)).toBe(0);
    expect(reloadDelay('CANCELLED', 'PENDING', 0)).toBe(0);
  });

  it('does not read again when they agree, before both are known, or after the attempts are spent', () => {
    expect(reloadDelay('CONFIRMED', 'CONFIRMED', 0)).toBeUndefined();
    expect(reloadDelay(undefined, 'PENDING', 0)).toBeUndefined(); // no event yet
    expect(reloadDelay('CONFIRMED', undefined, 0)).toBeUndefined(); // the read has not answered: its answer triggers it
    expect(reloadDelay('CONFIRMED', 'PENDING', MAX_RELOADS)).toBeUndefined();
  });

  it('backs off while the read lags', () => {
    expect([1, 2, 3, 4].map((a) => reloadDelay('CONFIRMED', 'PENDING', a))).toEqual([500, 1000, 2000, 4000]);
  });
});
