import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';

const commerce = contract('commerce');
const marketplace = contract('marketplace');
const ORDER_STATUS = 'query($id: ID!) { order(id: $id) { status } }';
const PRODUCT_RATING = 'query($id: ID!) { product(id: $id) { reviewCount averageRating } }';
const REVIEW = 'query($id: ID!) { review(id: $id) { id rating body verifiedPurchase } }';

async function newCustomer(name: string): Promise<string> {
  const input = { email: `reviewer-${randomUUID().slice(0, 8)}@example.com`, password: 'a long review password', name };
  const res = await gql(marketplace, { operationName: 'SignUp', variables: { input } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.signUp.accessToken;
}

function writeReview(token: string, input: { productId: string; rating: number; body: string }) {
  return gql(marketplace, { operationName: 'WriteReview', token, variables: { input } });
}

const ratingOf = async (id: string) => (await gql(PRODUCT_RATING, { variables: { id } })).body.data.product;

/** A product in stock that nobody has reviewed, so its rating is ours alone. */
let product: { id: string };
beforeAll(async () => {
  const res = await gql('{ products(first: 100) { edges { node { id reviewCount stock { available } } } } }');
  product = res.body.data.products.edges.map((e: any) => e.node).find((p: any) => p.reviewCount === 0 && p.stock.available >= 2);
  expect(product).toBeDefined();
});

describe('reviews', () => {
  it('a customer with a confirmed order writes a verified review (unverified once the order is cancelled); others are unverified; the rating stays exact', async () => {
    const buyer = await newCustomer('Bea Buyer');
    const placed = await gql(commerce, {
      operationName: 'PlaceOrder',
      token: buyer,
      variables: { input: { lines: [{ productId: product.id, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
    });
    expect(placed.body.errors).toBeUndefined();
    const orderId = placed.body.data.placeOrder.id;
    await expect
      .poll(async () => (await gql(ORDER_STATUS, { token: buyer, variables: { id: orderId } })).body.data?.order?.status, { timeout: 20_000, interval: 100 })
      .toBe('CONFIRMED');

    const written = await writeReview(buyer, { productId: product.id, rating: 5, body: '  Sturdy and handsome.  ' });
    expect(written.body.errors).toBeUndefined();
    const review = written.body.data.writeReview;
    expect(review).toMatchObject({ rating: 5, body: 'Sturdy and handsome.', product: { id: product.id, reviewCount: 1, averageRating: 5 } });
    // Reviews learns of the confirmation from the order's events: verified at once, or a moment later.
    await expect
      .poll(async () => (await gql(REVIEW, { variables: { id: review.id } })).body.data.review.verifiedPurchase, { timeout: 10_000, interval: 100 })
      .toBe(true);

    const again = await writeReview(buyer, { productId: product.id, rating: 1, body: 'Changed my mind.' });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'productId' });
    expect(await ratingOf(product.id)).toEqual({ reviewCount: 1, averageRating: 5 });

    const browser = await newCustomer('Bo Browser');
    const unverified = await writeReview(browser, { productId: product.id, rating: 2, body: 'Looks flimsy in the photos.' });
    expect(unverified.body.errors).toBeUndefined();
    expect(unverified.body.data.writeReview).toMatchObject({ verifiedPurchase: false, product: { reviewCount: 2, averageRating: 3.5 } });

    // The buyer cancels the order (confirmed, not shipped): the review is no longer a verified purchase.
    const cancelled = await gql('mutation($id: ID!) { cancelOrder(id: $id) { status } }', { token: buyer, variables: { id: orderId } });
    expect(cancelled.body.data?.cancelOrder?.status).toBe('CANCELLED');
    await expect
      .poll(async () => (await gql(REVIEW, { variables: { id: review.id } })).body.data.review.verifiedPurchase, { timeout: 10_000, interval: 100 })
      .toBe(false);
  });

  it('the author edits or deletes their own review, nobody else can, and admins remove any', async () => {
    const author = await newCustomer('Ed Editor');
    const before = await ratingOf(product.id);
    const written = await writeReview(author, { productId: product.id, rating: 1, body: 'Arrived late.' });
    const id = written.body.data.writeReview.id;
    expect(written.body.data.writeReview.product.reviewCount).toBe(before.reviewCount + 1);

    const UPDATE = 'mutation($id: ID!, $patch: ReviewPatch!) { updateReview(id: $id, patch: $patch) { id rating body } }';
    const DELETE = 'mutation($id: ID!) { deleteReview(id: $id) { id product { reviewCount averageRating } } }';
    const stranger = await newCustomer('Stan Stranger');
    const meddled = await gql(UPDATE, { token: stranger, variables: { id, patch: { rating: 5 } } });
    expect(meddled.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(DELETE, { token: stranger, variables: { id } })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const edited = await gql(UPDATE, { token: author, variables: { id, patch: { rating: 4 } } });
    expect(edited.body.data.updateReview).toEqual({ id, rating: 4, body: 'Arrived late.' });
    const deleted = await gql(DELETE, { token: author, variables: { id } });
    expect(deleted.body.data.deleteReview).toEqual({ id, product: before });
    expect((await gql(REVIEW, { variables: { id } })).body.data.review).toBeNull();

    const other = await newCustomer('Rude Reviewer');
    const rude = (await writeReview(other, { productId: product.id, rating: 1, body: 'Spam spam spam.' })).body.data.writeReview;
    const removed = await gql(DELETE, { token: await login('admin@cloudlab.dev'), variables: { id: rude.id } });
    expect(removed.body.errors).toBeUndefined();
    expect(await ratingOf(product.id)).toEqual(before);
  });

  it('refuses bad ratings and bodies, unknown products, anonymous authors and vendor staff', async () => {
    const customer = await newCustomer('Val Validator');
    const code = async (token: string | undefined, input: { productId: string; rating: number; body: string }) =>
      (await gql(marketplace, { operationName: 'WriteReview', token, variables: { input } })).body.errors?.[0]?.extensions;
    expect(await code(customer, { productId: product.id, rating: 6, body: 'Too good.' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rating' });
    expect(await code(customer, { productId: product.id, rating: 3, body: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await code(customer, { productId: product.id, rating: 3, body: 'x'.repeat(5001) })).toMatchObject({ field: 'body' });
    expect(await code(customer, { productId: randomUUID(), rating: 3, body: 'Ghost.' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await code(undefined, { productId: product.id, rating: 3, body: 'Who am I?' })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await code(await login('vendor@cloudlab.dev'), { productId: product.id, rating: 5, body: 'Buy mine!' })).toMatchObject({ code: 'FORBIDDEN' });
  });
});
