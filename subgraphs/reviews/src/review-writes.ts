import { appError, badInput, ErrorCode, forbidden, type Db, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent } from '@cloudlab/kit/events';
import { config } from './config';
import { checkBody, checkId, checkPatch, checkRating } from './review-input';
import { reviewsByIds, type ReviewRow } from './store';
import * as store from './write-store';

const limits = () => ({ minLength: config.REVIEW_BODY_MIN_LENGTH, maxLength: config.REVIEW_BODY_MAX_LENGTH });
const notFound = (what: string) => appError(ErrorCode.NOT_FOUND, `${what} not found`);

/** A customer's one review of a product, and its ReviewPosted event, in one transaction. */
export async function writeReview(db: Db, author: Viewer, input: { productId: string; rating: number; body: string }): Promise<ReviewRow> {
  const productId = checkId(input.productId, 'productId');
  const rating = checkRating(input.rating);
  const body = checkBody(input.body, limits());
  return db.tx(async (q) => {
    // Known from the demo catalog and catalog's ProductCreated events (a moment after createProduct).
    if (!(await store.productKnown(q, productId))) throw notFound('product');
    const review = await store.insertReview(q, { productId, authorId: author.userId, rating, body });
    if (!review) throw badInput('you have already reviewed this product; edit that review instead', 'productId');
    await recordDomainEvent(q, 'reviews', {
      type: 'ReviewPosted',
      aggregateId: review.id,
      data: { reviewId: review.id, productId, authorId: author.userId, rating, verifiedPurchase: review.verified_purchase },
    });
    return review;
  });
}

/** The review `id` if `viewer` may change it: its author (and, to remove it, an admin). */
async function ownReview(db: Db, viewer: Viewer, id: string, adminToo: boolean): Promise<ReviewRow> {
  const [review] = await reviewsByIds(db, [checkId(id, 'id')]);
  if (!review) throw notFound('review');
  if (review.author_id !== viewer.userId && !(adminToo && viewer.role === 'ADMIN')) throw forbidden('only its author can change a review');
  return review;
}

export async function updateReview(db: Db, viewer: Viewer, id: string, patch: { rating?: number | null; body?: string | null }): Promise<ReviewRow> {
  const changes = checkPatch(patch, limits());
  await ownReview(db, viewer, id, false);
  return (await store.updateReview(db, id, changes)) ?? Promise.reject(notFound('review'));
}

export async function deleteReview(db: Db, viewer: Viewer, id: string): Promise<ReviewRow> {
  await ownReview(db, viewer, id, true);
  return (await store.deleteReview(db, id)) ?? Promise.reject(notFound('review'));
}
