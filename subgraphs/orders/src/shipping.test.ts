import { describe, expect, it } from 'vitest';
import { shipmentInput } from './shipping';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return undefined;
};

describe("a shipment's carrier and tracking number", () => {
  it('are trimmed', () => {
    expect(shipmentInput('  DHL Express ', ' JD0146 0000 1234-5 ', 100)).toEqual({ carrier: 'DHL Express', trackingNumber: 'JD0146 0000 1234-5' });
  });

  it('are refused empty, too long, or with characters a tracking number does not hold', () => {
    expect(codeOf(() => shipmentInput(' ', 'X1', 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'carrier' });
    expect(codeOf(() => shipmentInput('DH\u0007L', 'X1', 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'carrier' });
    expect(codeOf(() => shipmentInput('x'.repeat(11), 'X1', 10))).toEqual({ code: 'BAD_USER_INPUT', field: 'carrier' });
    expect(codeOf(() => shipmentInput('DHL', '', 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'trackingNumber' });
    expect(codeOf(() => shipmentInput('DHL', '<script>', 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'trackingNumber' });
    expect(codeOf(() => shipmentInput('DHL', '1'.repeat(11), 10))).toEqual({ code: 'BAD_USER_INPUT', field: 'trackingNumber' });
    expect(shipmentInput('x'.repeat(10), '1'.repeat(10), 10).carrier).toHaveLength(10);
  });
});
