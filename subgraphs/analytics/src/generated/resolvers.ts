import type { GraphQLResolveInfo } from 'graphql';
import type { Report } from '../sales-report';
import type { Platform } from '../reports';
import type { EntityRef } from '@cloudlab/kit';
import type { Context } from '../loaders';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type Granularity =
  | 'DAY'
  | 'MONTH'
  /** ISO weeks, Monday to Sunday. */
  | 'WEEK';

export type Money = {
  __typename?: 'Money';
  amount: Scalars['String']['output'];
  currency: Scalars['String']['output'];
};

export type PlatformStats = {
  __typename?: 'PlatformStats';
  /** Vendors with at least one sale in the range. */
  activeVendors: Scalars['Int']['output'];
  /** Sales (confirmed orders not cancelled or refunded); an order with several vendors counts once. */
  orders: Scalars['Int']['output'];
  revenue: Array<Money>;
  /** Vendors by sales in the range (ties: units, then id); `first` 1 to 50. */
  topVendors: Array<VendorSales>;
};


export type PlatformStatsTopVendorsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Product = {
  __typename?: 'Product';
  /** Products most often in the same sales as this one (most first); `first` 1 to 20. Public. */
  alsoBought: Array<Product>;
  id: Scalars['ID']['output'];
  /** Units sold in sales (confirmed, not cancelled or refunded), all time. Public. */
  salesCount: Scalars['Int']['output'];
};


export type ProductAlsoBoughtArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProductSales = {
  __typename?: 'ProductSales';
  product: Product;
  revenue: Array<Money>;
  units: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * Marketplace totals over a range (admins only; others FORBIDDEN). from/to: ISO dates (UTC),
   * inclusive, from ≤ to, at most ANALYTICS_MAX_RANGE_DAYS (400) days; otherwise BAD_USER_INPUT.
   */
  platformStats: PlatformStats;
};


export type QueryPlatformStatsArgs = {
  from: Scalars['String']['input'];
  to: Scalars['String']['input'];
};

export type SalesPeriod = {
  __typename?: 'SalesPeriod';
  orders: Scalars['Int']['output'];
  /** The period's first day (ISO date): the day, the week's Monday or the month's 1st. */
  period: Scalars['String']['output'];
  /** One entry per currency of the report (zero amounts in a period without sales). */
  revenue: Array<Money>;
  units: Scalars['Int']['output'];
};

export type SalesReport = {
  __typename?: 'SalesReport';
  /** Revenue per sale, per currency, rounded to cents. */
  averageOrderValue: Array<Money>;
  /** Cancelled orders among the decided ones (sales + cancellations), 0 to 1, four decimals; 0 when none. */
  cancellationRate: Scalars['Float']['output'];
  /** Orders with the vendor's lines that are confirmed and neither cancelled nor refunded (sales). */
  orders: Scalars['Int']['output'];
  /** What those lines brought in, one entry per currency (empty when nothing sold). */
  revenue: Array<Money>;
  /** One entry per DAY/WEEK/MONTH the range touches, oldest first; a period without sales has zeros. */
  series: Array<SalesPeriod>;
  /** The vendor's best-selling products in the range by units (ties: orders, then id); `first` 1 to 50. */
  topProducts: Array<ProductSales>;
  /** Units of the vendor's products in those orders. */
  units: Scalars['Int']['output'];
};


export type SalesReportTopProductsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Vendor = {
  __typename?: 'Vendor';
  id: Scalars['ID']['output'];
  /**
   * The vendor's sales over a range: staff of this vendor and admins (other vendors' staff and
   * customers FORBIDDEN). from/to: ISO dates (UTC), inclusive, from ≤ to, at most
   * ANALYTICS_MAX_RANGE_DAYS (400) days; otherwise BAD_USER_INPUT. Counts the vendor's own lines
   * only; an order counts on the day it was placed, and a later cancellation or refund corrects that day.
   */
  salesReport?: Maybe<SalesReport>;
};


export type VendorSalesReportArgs = {
  from: Scalars['String']['input'];
  granularity?: InputMaybe<Granularity>;
  to: Scalars['String']['input'];
};

export type VendorSales = {
  __typename?: 'VendorSales';
  orders: Scalars['Int']['output'];
  revenue: Array<Money>;
  vendor: Vendor;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  Product: Product;
  Vendor: Vendor;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Product:
    ( { __typename: 'Product' }
    & GraphQLRecursivePick<FederationTypes['Product'], {"id":true}> );
  Vendor:
    ( { __typename: 'Vendor' }
    & GraphQLRecursivePick<FederationTypes['Vendor'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Granularity: Granularity;
  Money: ResolverTypeWrapper<Money>;
  PlatformStats: ResolverTypeWrapper<Platform>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Product: ResolverTypeWrapper<EntityRef>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ProductSales: ResolverTypeWrapper<Omit<ProductSales, 'product'> & { product: ResolversTypes['Product'] }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SalesPeriod: ResolverTypeWrapper<SalesPeriod>;
  SalesReport: ResolverTypeWrapper<Report>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Vendor: ResolverTypeWrapper<EntityRef>;
  VendorSales: ResolverTypeWrapper<Omit<VendorSales, 'vendor'> & { vendor: ResolversTypes['Vendor'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Money: Money;
  PlatformStats: Platform;
  Int: Scalars['Int']['output'];
  Product: EntityRef;
  ID: Scalars['ID']['output'];
  ProductSales: Omit<ProductSales, 'product'> & { product: ResolversParentTypes['Product'] };
  Query: Record<PropertyKey, never>;
  SalesPeriod: SalesPeriod;
  SalesReport: Report;
  Float: Scalars['Float']['output'];
  Vendor: EntityRef;
  VendorSales: Omit<VendorSales, 'vendor'> & { vendor: ResolversParentTypes['Vendor'] };
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
};

export type AuthDirectiveArgs = {
  requires?: Maybe<Array<Scalars['String']['input']>>;
};

export type AuthDirectiveResolver<Result, Parent, ContextType = Context, Args = AuthDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type MoneyResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PlatformStatsResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PlatformStats'] = ResolversParentTypes['PlatformStats']> = {
  activeVendors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  topVendors?: Resolver<Array<ResolversTypes['VendorSales']>, ParentType, ContextType, RequireFields<PlatformStatsTopVendorsArgs, 'first'>>;
};

export type ProductResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'], FederationReferenceType extends FederationReferenceTypes['Product'] = FederationReferenceTypes['Product']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']> | FederationReferenceType, FederationReferenceType, ContextType>;
  alsoBought?: Resolver<Array<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<ProductAlsoBoughtArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  salesCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ProductSalesResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ProductSales'] = ResolversParentTypes['ProductSales']> = {
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  platformStats?: Resolver<ResolversTypes['PlatformStats'], ParentType, ContextType, RequireFields<QueryPlatformStatsArgs, 'from' | 'to'>>;
};

export type SalesPeriodResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SalesPeriod'] = ResolversParentTypes['SalesPeriod']> = {
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SalesReportResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SalesReport'] = ResolversParentTypes['SalesReport']> = {
  averageOrderValue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  cancellationRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  series?: Resolver<Array<ResolversTypes['SalesPeriod']>, ParentType, ContextType>;
  topProducts?: Resolver<Array<ResolversTypes['ProductSales']>, ParentType, ContextType, RequireFields<SalesReportTopProductsArgs, 'first'>>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type VendorResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Vendor'] = ResolversParentTypes['Vendor'], FederationReferenceType extends FederationReferenceTypes['Vendor'] = FederationReferenceTypes['Vendor']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Vendor']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  salesReport?: Resolver<Maybe<ResolversTypes['SalesReport']>, ParentType, ContextType, RequireFields<VendorSalesReportArgs, 'from' | 'granularity' | 'to'>>;
};

export type VendorSalesResolvers<ContextType = Context, ParentType extends ResolversParentTypes['VendorSales'] = ResolversParentTypes['VendorSales']> = {
  orders?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<Array<ResolversTypes['Money']>, ParentType, ContextType>;
  vendor?: Resolver<ResolversTypes['Vendor'], ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  Money?: MoneyResolvers<ContextType>;
  PlatformStats?: PlatformStatsResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductSales?: ProductSalesResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SalesPeriod?: SalesPeriodResolvers<ContextType>;
  SalesReport?: SalesReportResolvers<ContextType>;
  Vendor?: VendorResolvers<ContextType>;
  VendorSales?: VendorSalesResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = Context> = {
  auth?: AuthDirectiveResolver<any, any, ContextType>;
};
