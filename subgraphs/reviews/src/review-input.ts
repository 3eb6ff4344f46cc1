import { badInput, isUuid } from '@cloudlab/kit';

export interface BodyLimits {
  minLength: number;
  maxLength: number;
}

export function checkRating(rating: number): number {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw badInput('rating must be a whole number from 1 to 5', 'rating');
  return rating;
}

/** The body trimmed, between the configured lengths (in characters); BAD_USER_INPUT naming `body` otherwise. */
export function checkBody(body: string, limits: BodyLimits): string {
  const trimmed = body.trim();
  const length = [...trimmed].length;
  if (length < limits.minLength) throw badInput(`body must be at least ${limits.minLength} characters`, 'body');
  if (length > limits.maxLength) throw badInput(`body must be at most ${limits.maxLength} characters`, 'body');
  return trimmed;
}

export function checkId(id: string, field: string): string {
  if (!isUuid(id)) throw badInput(`${field} is not a valid id`, field);
  return id;
}

/** A patch's fields, each checked when given; at least one must be. */
export function checkPatch(patch: { rating?: number | null; body?: string | null }, limits: BodyLimits) {
  const rating = patch.rating == null ? null : checkRating(patch.rating);
  const body = patch.body == null ? null : checkBody(patch.body, limits);
  if (rating === null && body === null) throw badInput('give a rating or a body to change', 'patch');
  return { rating, body };
}
