import { handleEvents } from '@cloudlab/kit/events';
import { listProduct } from './store';

/**
 * What content learns from other domains' events: a new product and its vendor (whose staff may
 * add its images). Each handler runs in one transaction with its inbox record.
 */
export const consumes = handleEvents({
  ProductCreated: ({ productId, vendorId }, q) => listProduct(q, productId, vendorId),
});
