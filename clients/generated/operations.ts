/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** Lines for the same product count together: at most 1000 units of one product and 5000 in all per order (configurable). */
export type OrderLineInput = {
  productId: string;
  quantity: number;
};

export type OrderStatus =
  | 'CANCELLED'
  | 'CONFIRMED'
  /** Placed; stock is being reserved. */
  | 'PENDING'
  /** All lines reserved; payment is being authorized. */
  | 'STOCK_RESERVED';

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

export type Role =
  | 'ADMIN'
  | 'CUSTOMER'
  | 'VENDOR';

export type OrderStatusSubscriptionVariables = Exact<{
  orderId: string;
}>;


export type OrderStatusSubscription = { orderStatusChanged: { id: string, status: OrderStatus } };

export type StockChangedSubscriptionVariables = Exact<{
  productIds: Array<string> | string;
}>;


export type StockChangedSubscription = { stockChanged: { productId: string, available: number, product: { name: string } | null } };

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type PlaceOrderMutation = { placeOrder: { id: string, status: OrderStatus, total: { amount: string, currency: string } | null } };

export type ProductPageQueryVariables = Exact<{
  id: string;
}>;


export type ProductPageQuery = { product: { id: string, sku: string, name: string, description: string, price: { amount: string, currency: string }, vendor: { id: string, name: string } | null, stock: { available: number, reserved: number } | null, reviews: { edges: Array<{ node: { id: string, rating: number, body: string, createdAt: string, author: { id: string, name: string } | null } }> } | null } | null };

export type RestockMutationVariables = Exact<{
  productId: string;
  warehouseId: string;
  quantity: number;
}>;


export type RestockMutation = { restock: { available: number } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string | null, name: string, role: Role } | null };

export type StorefrontHomeQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StorefrontHomeQuery = { products: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, inStock: boolean | null, averageRating: number | null, reviewCount: number | null, price: { amount: string, currency: string }, category: { id: string, name: string }, vendor: { id: string, name: string } | null, stock: { available: number } | null } }> } };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login: { accessToken: string, user: { id: string, name: string, role: Role } } };

export type MyOrdersQueryVariables = Exact<{ [key: string]: never; }>;


export type MyOrdersQuery = { me: { orders: { edges: Array<{ node: { id: string, status: OrderStatus, total: { amount: string, currency: string } | null, lines: Array<{ quantity: number, product: { name: string } | null }> } }> } | null } | null };
