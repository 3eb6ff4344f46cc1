import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Kind, Notice } from './notices';

/** Kinds that go by e-mail unless the user chose otherwise (vendor kinds are in-app only: see README). */
export const CUSTOMER_KINDS: readonly Kind[] = ['ORDER_CONFIRMED', 'ORDER_CANCELLED', 'ORDER_SHIPPED', 'PAYMENT_REFUNDED', 'BACK_IN_STOCK'];

const ACTIONS: Record<Kind, string> = {
  ORDER_CONFIRMED: 'View your order',
  ORDER_CANCELLED: 'View your order',
  ORDER_SHIPPED: 'Track your order',
  PAYMENT_REFUNDED: 'View your order',
  BACK_IN_STOCK: 'Order it now',
  NEW_ORDER: 'Open the order',
  LOW_STOCK: 'Restock',
};
const REASONS: Record<Kind, string> = {
  ORDER_CONFIRMED: 'you placed an order',
  ORDER_CANCELLED: 'you placed an order',
  ORDER_SHIPPED: 'you placed an order',
  PAYMENT_REFUNDED: 'you paid for an order',
  BACK_IN_STOCK: 'you asked to be told when this product is back',
  NEW_ORDER: 'you sell on CloudLab',
  LOW_STOCK: 'you sell on CloudLab',
};

// Compiled once; Handlebars escapes every {{value}} in the HTML part (the text part is not HTML).
const template = (file: string, noEscape: boolean) =>
  Handlebars.compile(readFileSync(path.join(__dirname, 'templates', file), 'utf8'), { noEscape, strict: true });
const html = template('notification.html.hbs', false);
const text = template('notification.text.hbs', true);

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** A notice as an e-mail with an HTML and a plain-text part, links made absolute on `storefrontUrl`. */
export function renderEmail(notice: Notice, to: { name: string }, storefrontUrl: string): RenderedEmail {
  const values = {
    name: to.name,
    title: notice.title,
    body: notice.body,
    url: new URL(notice.link, storefrontUrl).toString(),
    action: ACTIONS[notice.kind],
    reason: REASONS[notice.kind],
    preferencesUrl: new URL('/account/notifications', storefrontUrl).toString(),
  };
  return { subject: notice.title, html: html(values), text: text(values) };
}

/** The delay before attempt `attempts + 1` after `attempts` failures: base · 2^(attempts−1), capped. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
