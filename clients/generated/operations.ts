/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Granularity =
  | 'DAY'
  | 'MONTH'
  /** ISO weeks, Monday to Sunday. */
  | 'WEEK';

export type MediaStatus =
  /** Upload URL handed out; nothing checked yet. */
  | 'PENDING'
  /** Checked and resized: shown on its product. */
  | 'READY';

/** What a notification is about. */
export type NotificationKind =
  /** A product the customer watched (watchProductStock) can be ordered again. */
  | 'BACK_IN_STOCK'
  /** Vendor staff: a product's available stock dropped below the threshold (once per crossing). */
  | 'LOW_STOCK'
  /** Vendor staff: a confirmed order contains the vendor's products. */
  | 'NEW_ORDER'
  /** The customer's order was cancelled; the body gives the reason when one is known. */
  | 'ORDER_CANCELLED'
  /** The customer's order is confirmed (stock reserved, payment authorized). */
  | 'ORDER_CONFIRMED'
  /** Every vendor of the customer's order has shipped; the body lists carriers and tracking numbers. */
  | 'ORDER_SHIPPED'
  /** The customer's payment was refunded. */
  | 'PAYMENT_REFUNDED';

/** Lines for the same product count together: at most 1000 units of one product and 5000 in all per order (configurable). */
export type OrderLineInput = {
  productId: string;
  quantity: number;
};

export type OrderStatus =
  | 'CANCELLED'
  /** Stock sold and payment authorized; the vendors ship it. */
  | 'CONFIRMED'
  /** Placed; stock is being reserved. */
  | 'PENDING'
  /** Every vendor in the order has shipped its lines; the payment is captured. */
  | 'SHIPPED'
  /** All lines reserved; payment is being authorized. */
  | 'STOCK_RESERVED';

export type PaymentStatus =
  | 'AUTHORIZED'
  /**
   * The authorized amount was taken when the order shipped (a moment after shipOrder: the capture
   * follows the OrderShipped event).
   */
  | 'CAPTURED'
  | 'DECLINED'
  /** The provider has not answered yet. */
  | 'PROCESSING'
  /** A captured payment returned (at most what was captured). */
  | 'REFUNDED'
  /** An authorization given up because the order was cancelled before it shipped (nothing was taken). */
  | 'VOIDED';

export type PlaceOrderInput = {
  /**
   * Chosen by the client (1 to 200 characters); retrying with the same key and the same lines and
   * paymentToken answers the first order, never a second one; the same key with anything else is
   * a CONFLICT.
   */
  idempotencyKey: string;
  lines: Array<OrderLineInput>;
  /** The simulated provider: tok_visa is authorized, tok_declined declined, tok_slow too slow. At most 200 characters. */
  paymentToken: string;
};

/**
 * A new product. Limits (configurable): sku 1–64 characters of letters, digits and . _ - /; name
 * 1–200 characters; description up to 5000; price a decimal string above 0 with at most two
 * decimals, at most 1000000.00 (PRODUCT_MAX_PRICE); categoryId an existing category.
 */
export type ProductInput = {
  categoryId: string;
  description: string;
  name: string;
  /** A decimal string, e.g. "19.99". */
  price: string;
  sku: string;
  /** The vendor the product belongs to: required for admins; vendor staff leave it out (or name their own). */
  vendorId?: string | null | undefined;
};

/** The fields to change; absent or null fields keep their value. Same limits as ProductInput. */
export type ProductPatch = {
  categoryId?: string | null | undefined;
  description?: string | null | undefined;
  name?: string | null | undefined;
  price?: string | null | undefined;
};

export type ReviewInput = {
  body: string;
  productId: string;
  /** 1 (poor) to 5 (excellent). */
  rating: number;
};

export type Role =
  | 'ADMIN'
  | 'CUSTOMER'
  | 'VENDOR';

/** Every filter is optional; the ones given must all hold. */
export type SearchFilter = {
  categoryIds?: Array<string> | null | undefined;
  inStock?: boolean | null | undefined;
  maxPrice?: string | null | undefined;
  /** Amounts like "19.99" (inclusive). */
  minPrice?: string | null | undefined;
  /** 1 to 5: the average rating at least this. */
  minRating?: number | null | undefined;
  vendorIds?: Array<string> | null | undefined;
};

export type SearchSort =
  | 'NEWEST'
  | 'PRICE_ASC'
  | 'PRICE_DESC'
  /** Best average rating first (products without reviews last). */
  | 'RATING'
  | 'RELEVANCE';

export type SignUpInput = {
  email: string;
  name: string;
  password: string;
};

export type OrderStatusSubscriptionVariables = Exact<{
  orderId: string;
}>;


export type OrderStatusSubscription = { orderStatusChanged: { id: string, status: OrderStatus } };

export type WarehousesQueryVariables = Exact<{ [key: string]: never; }>;


export type WarehousesQuery = { warehouses: Array<{ id: string, name: string }> };

export type StockChangedSubscriptionVariables = Exact<{
  productIds: Array<string> | string;
}>;


export type StockChangedSubscription = { stockChanged: { productId: string, available: number, product: { name: string } | null } };

export type CreateVendorMutationVariables = Exact<{
  name: string;
}>;


export type CreateVendorMutation = { createVendor: { invitationCode: string, vendor: { id: string, name: string, slug: string } } };

export type MyNotificationsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  unreadOnly?: boolean | null | undefined;
}>;


export type MyNotificationsQuery = { me: { notifications: { unreadCount: number, totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, kind: NotificationKind, title: string, body: string, link: string, createdAt: string, readAt: string | null } }> } } | null };

export type WatchProductStockMutationVariables = Exact<{
  productId: string;
}>;


export type WatchProductStockMutation = { watchProductStock: { productId: string } };

export type VendorSalesQueryVariables = Exact<{
  vendorId: string;
  from: string;
  to: string;
  granularity?: Granularity | null | undefined;
}>;


export type VendorSalesQuery = { vendor: { salesReport: { orders: number, units: number, cancellationRate: number, revenue: Array<{ amount: string, currency: string }>, averageOrderValue: Array<{ amount: string, currency: string }>, series: Array<{ period: string, orders: number, units: number, revenue: Array<{ amount: string, currency: string }> }>, topProducts: Array<{ units: number, revenue: Array<{ amount: string, currency: string }>, product: { id: string, name: string } }> } | null } | null };

export type ProductImagesQueryVariables = Exact<{
  id: string;
}>;


export type ProductImagesQuery = { product: { id: string, images: Array<{ id: string, alt: string | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> }> } | null };

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type PlaceOrderMutation = { placeOrder: { id: string, status: OrderStatus, total: { amount: string, currency: string } | null } };

export type MarkNotificationsReadMutationVariables = Exact<{
  ids?: Array<string> | string | null | undefined;
}>;


export type MarkNotificationsReadMutation = { markNotificationsRead: { unreadCount: number } };

export type ProductPageQueryVariables = Exact<{
  id: string;
}>;


export type ProductPageQuery = { product: { id: string, sku: string, name: string, description: string, price: { amount: string, currency: string }, vendor: { id: string, name: string } | null, stock: { available: number, reserved: number } | null, reviews: { edges: Array<{ node: { id: string, rating: number, body: string, createdAt: string, author: { id: string, name: string } | null } }> } | null } | null };

export type VendorsQueryVariables = Exact<{ [key: string]: never; }>;


export type VendorsQuery = { vendors: Array<{ id: string, name: string, slug: string }> };

export type UpdateProductMutationVariables = Exact<{
  id: string;
  patch: ProductPatch;
}>;


export type UpdateProductMutation = { updateProduct: { id: string, name: string, price: { amount: string, currency: string } } };

export type MyVendorQueryVariables = Exact<{ [key: string]: never; }>;


export type MyVendorQuery = { me: { id: string, role: Role, vendor: { id: string, name: string } | null } | null };

export type RestockMutationVariables = Exact<{
  productId: string;
  warehouseId: string;
  quantity: number;
}>;


export type RestockMutation = { restock: { available: number } };

export type SearchQueryVariables = Exact<{
  query?: string | null | undefined;
  filter?: SearchFilter | null | undefined;
  sort?: SearchSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SearchQuery = { search: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, facets: { inStockCount: number, categories: Array<{ count: number, category: { id: string, name: string } }>, vendors: Array<{ count: number, vendor: { id: string, name: string } }>, priceRanges: Array<{ min: string, max: string | null, count: number }>, ratings: Array<{ atLeast: number, count: number }> }, edges: Array<{ cursor: string, node: { id: string, name: string, averageRating: number | null, inStock: boolean | null, price: { amount: string, currency: string }, vendor: { name: string } | null } }> } };

export type PlatformStatsQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type PlatformStatsQuery = { platformStats: { orders: number, activeVendors: number, revenue: Array<{ amount: string, currency: string }>, topVendors: Array<{ revenue: Array<{ amount: string, currency: string }>, vendor: { id: string, name: string } }> } };

export type JoinVendorMutationVariables = Exact<{
  invitationCode: string;
}>;


export type JoinVendorMutation = { joinVendor: { accessToken: string, user: { id: string, role: Role, vendor: { id: string } | null } } };

export type VendorProductsQueryVariables = Exact<{
  vendorId: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type VendorProductsQuery = { search: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, sku: string, name: string, price: { amount: string, currency: string }, stock: { available: number } | null } }> } };

export type VendorOrdersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type VendorOrdersQuery = { me: { vendor: { orders: { totalCount: number, edges: Array<{ node: { id: string, status: OrderStatus, lines: Array<{ quantity: number, product: { id: string, name: string } | null }> } }> } | null } | null } | null };

export type ArchiveProductMutationVariables = Exact<{
  id: string;
}>;


export type ArchiveProductMutation = { archiveProduct: { id: string, archived: boolean } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string | null, name: string, role: Role } | null };

export type NotificationAddedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NotificationAddedSubscription = { notificationAdded: { id: string, kind: NotificationKind, title: string, body: string, link: string, createdAt: string } };

export type ConfirmMediaUploadMutationVariables = Exact<{
  mediaId: string;
  alt?: string | null | undefined;
}>;


export type ConfirmMediaUploadMutation = { confirmMediaUpload: { id: string, status: MediaStatus, alt: string | null, width: number | null, height: number | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> } };

export type SearchSuggestionsQueryVariables = Exact<{
  prefix: string;
}>;


export type SearchSuggestionsQuery = { searchSuggestions: Array<{ text: string, product: { id: string, name: string } }> };

export type WriteReviewMutationVariables = Exact<{
  input: ReviewInput;
}>;


export type WriteReviewMutation = { writeReview: { id: string, rating: number, body: string, verifiedPurchase: boolean, product: { id: string, reviewCount: number | null, averageRating: number | null } | null } };

export type CategoriesQueryVariables = Exact<{ [key: string]: never; }>;


export type CategoriesQuery = { categories: Array<{ id: string, name: string }> };

export type SignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type SignUpMutation = { signUp: { accessToken: string, user: { id: string, name: string, role: Role } } };

export type CreateProductImageUploadMutationVariables = Exact<{
  productId: string;
  contentType: string;
  byteSize: number;
}>;


export type CreateProductImageUploadMutation = { createProductImageUpload: { mediaId: string, uploadUrl: string, uploadMethod: string, expiresAt: string, uploadHeaders: Array<{ name: string, value: string }> } };

export type StorefrontHomeQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontHomeQuery = { products: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, inStock: boolean | null, averageRating: number | null, reviewCount: number | null, price: { amount: string, currency: string }, category: { id: string, name: string }, vendor: { id: string, name: string } | null, stock: { available: number } | null } }> } };

export type AlsoBoughtQueryVariables = Exact<{
  id: string;
}>;


export type AlsoBoughtQuery = { product: { id: string, salesCount: number, alsoBought: Array<{ id: string, name: string }> } | null };

export type ProductForEditQueryVariables = Exact<{
  id: string;
}>;


export type ProductForEditQuery = { product: { id: string, sku: string, name: string, description: string, archived: boolean, price: { amount: string, currency: string }, category: { id: string }, vendor: { id: string } | null } | null };

export type OrderLiveSubscriptionVariables = Exact<{
  orderId: string;
}>;


export type OrderLiveSubscription = { orderStatusChanged: { id: string, status: OrderStatus, cancellationReason: string | null } };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login: { accessToken: string, user: { id: string, name: string, role: Role } } };

export type OrderPageQueryVariables = Exact<{
  id: string;
}>;


export type OrderPageQuery = { order: { id: string, status: OrderStatus, cancellationReason: string | null, createdAt: string, total: { amount: string, currency: string } | null, lines: Array<{ quantity: number, unitPrice: { amount: string, currency: string }, product: { id: string, name: string } | null }>, payment: { status: PaymentStatus, declineReason: string | null } | null, shipments: Array<{ carrier: string, trackingNumber: string, shippedAt: string }> } | null };

export type WebHomeQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WebHomeQuery = { products: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, inStock: boolean | null, averageRating: number | null, reviewCount: number | null, price: { amount: string, currency: string }, category: { id: string, name: string }, vendor: { id: string, name: string } | null, stock: { available: number } | null, images: Array<{ id: string, alt: string | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> }> } }> } };

export type CardImageFragment = { images: Array<{ id: string, alt: string | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> }> };

export type ShipOrderMutationVariables = Exact<{
  orderId: string;
  carrier: string;
  trackingNumber: string;
}>;


export type ShipOrderMutation = { shipOrder: { id: string, status: OrderStatus, shipments: Array<{ carrier: string, trackingNumber: string, shippedAt: string, vendor: { id: string } }>, payment: { status: PaymentStatus } | null } };

export type ProductImagesForEditQueryVariables = Exact<{
  id: string;
}>;


export type ProductImagesForEditQuery = { product: { id: string, images: Array<{ id: string, status: MediaStatus, alt: string | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> }> } | null };

export type WebSearchQueryVariables = Exact<{
  query?: string | null | undefined;
  filter?: SearchFilter | null | undefined;
  sort?: SearchSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WebSearchQuery = { search: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, facets: { inStockCount: number, categories: Array<{ count: number, category: { id: string, name: string } }>, vendors: Array<{ count: number, vendor: { id: string, name: string } }>, priceRanges: Array<{ min: string, max: string | null, count: number }>, ratings: Array<{ atLeast: number, count: number }> }, edges: Array<{ cursor: string, node: { id: string, name: string, averageRating: number | null, inStock: boolean | null, price: { amount: string, currency: string }, vendor: { name: string } | null, images: Array<{ id: string, alt: string | null, variants: Array<{ name: string, url: string, width: number, height: number, contentType: string }> }> } }> } };

export type CreateProductMutationVariables = Exact<{
  input: ProductInput;
}>;


export type CreateProductMutation = { createProduct: { id: string, sku: string, name: string, price: { amount: string, currency: string }, category: { id: string }, vendor: { id: string } | null } };

export type MyOrdersQueryVariables = Exact<{ [key: string]: never; }>;


export type MyOrdersQuery = { me: { orders: { edges: Array<{ node: { id: string, status: OrderStatus, total: { amount: string, currency: string } | null, lines: Array<{ quantity: number, product: { name: string } | null }> } }> } | null } | null };
