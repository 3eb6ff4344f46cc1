import { describe, expect, it } from 'vitest';
import { renderEmail, retryDelayMs } from './email';
import { orderCancelled } from './notices';

const order = '11111111-1111-4111-8111-111111111111';
const customer = '22222222-2222-4222-8222-222222222222';

describe('notification e-mails', () => {
  it('have an HTML part (values escaped) and a text part, both with the absolute link', () => {
    const mail = renderEmail(orderCancelled(order, customer, 'out of <b>stock</b>'), { name: 'Ann & Bo' }, 'https://shop.example');
    expect(mail.subject).toBe('Order 11111111 cancelled');
    expect(mail.html).toContain('Hello Ann &amp; Bo,');
    expect(mail.html).toContain('out of &lt;b&gt;stock&lt;/b&gt;');
    expect(mail.html).toContain(`href="https://shop.example/orders/${order}"`);
    expect(mail.text).toContain('Hello Ann & Bo,');
    expect(mail.text).toContain('out of <b>stock</b>');
    expect(mail.text).toContain(`View your order: https://shop.example/orders/${order}`);
    expect(mail.text).not.toContain('<p>');
  });

  it('retry delays double from the base and stop at the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 1_000, 5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
