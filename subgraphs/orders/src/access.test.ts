import { describe, expect, it } from 'vitest';
import type { Viewer } from '@cloudlab/kit';
import { canSeeOrder, vendorScope, visibleLines } from './access';
import type { LineRow, OrderRow } from './store';

const order = { customer_id: 'c1' } as OrderRow;
const line = (vendor: string, n: number) => ({ order_id: 'o1', line_no: n, product_id: `p${n}`, vendor_id: vendor, quantity: 1, unit_price: '1.00', currency: 'EUR' }) as LineRow;
const lines = [line('v1', 1), line('v2', 2), line('v1', 3)];
const viewer = (userId: string, role: Viewer['role'], vendorId: string | null = null): Viewer => ({ userId, role, vendorId });

describe('who sees which part of an order', () => {
  it('the customer and admins see all of it', () => {
    for (const v of [viewer('c1', 'CUSTOMER'), viewer('a', 'ADMIN')]) {
      expect(canSeeOrder(v, order, lines)).toBe(true);
      expect(vendorScope(v, order)).toBeNull();
      expect(visibleLines(v, order, lines)).toEqual(lines);
    }
  });

  it('vendor staff see only their own lines of an order shared with another vendor', () => {
    const staff = viewer('s1', 'VENDOR', 'v1');
    expect(canSeeOrder(staff, order, lines)).toBe(true);
    expect(vendorScope(staff, order)).toBe('v1');
    expect(visibleLines(staff, order, lines).map((l) => l.line_no)).toEqual([1, 3]);
  });

  it('vendor staff who placed the order themselves see it whole, as its customer', () => {
    expect(vendorScope(viewer('c1', 'VENDOR', 'v1'), order)).toBeNull();
  });

  it('nobody else sees it', () => {
    expect(canSeeOrder(viewer('s3', 'VENDOR', 'v3'), order, lines)).toBe(false);
    expect(canSeeOrder(viewer('c2', 'CUSTOMER'), order, lines)).toBe(false);
    expect(canSeeOrder(null, order, lines)).toBe(false);
  });
});
