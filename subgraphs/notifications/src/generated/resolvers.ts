import type { GraphQLResolveInfo } from 'graphql';
import type { NotificationRow, NotificationPage } from '../store';
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

export type Mutation = {
  __typename?: 'Mutation';
  /** Marks the viewer's notifications read: those listed (ids that are not the viewer's are ignored), or all without ids. */
  markNotificationsRead: NotificationsReadResult;
  /** Chooses the kinds the viewer also gets by e-mail (an empty list: none). Customer kinds only. */
  updateNotificationPreferences: NotificationPreferences;
  /**
   * One BACK_IN_STOCK when the product can be ordered again, then the watch ends. Refused
   * (BAD_USER_INPUT) when the product is known to be available now.
   */
  watchProductStock: StockWatch;
};


export type MutationMarkNotificationsReadArgs = {
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationUpdateNotificationPreferencesArgs = {
  emailKinds: Array<NotificationKind>;
};


export type MutationWatchProductStockArgs = {
  productId: Scalars['ID']['input'];
};

/** A message for one user, or for every staff member of one vendor. */
export type Notification = {
  __typename?: 'Notification';
  body: Scalars['String']['output'];
  /** ISO 8601 time of the event it reports. */
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  kind: NotificationKind;
  /** A storefront path, e.g. /orders/<id>. */
  link: Scalars['String']['output'];
  /** When it was marked read (by any staff member, for a vendor's notification); null while unread. */
  readAt?: Maybe<Scalars['String']['output']>;
  title: Scalars['String']['output'];
};

export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  edges: Array<NotificationEdge>;
  pageInfo: PageInfo;
  /** Notifications matching the filter (unreadOnly). */
  totalCount: Scalars['Int']['output'];
  /** The viewer's unread notifications, whatever the page's filter. */
  unreadCount: Scalars['Int']['output'];
};

export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  cursor: Scalars['String']['output'];
  node: Notification;
};

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

export type NotificationPreferences = {
  __typename?: 'NotificationPreferences';
  /**
   * Kinds also sent by e-mail (to the address the user signed up with). Default: every customer kind;
   * NEW_ORDER and LOW_STOCK are in-app only.
   */
  emailKinds: Array<NotificationKind>;
};

/** What markNotificationsRead leaves. */
export type NotificationsReadResult = {
  __typename?: 'NotificationsReadResult';
  unreadCount: Scalars['Int']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A customer's wish to hear when a product can be ordered again. */
export type StockWatch = {
  __typename?: 'StockWatch';
  productId: Scalars['ID']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The viewer's new notifications (and, for vendor staff, their vendor's) as they are created. */
  notificationAdded: Notification;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  /** Which kinds reach the user by e-mail (only the user themself). */
  notificationPreferences: NotificationPreferences;
  /**
   * The user's notifications, newest first (only the user themself; vendor staff also see their
   * vendor's). Kept NOTIFICATIONS_RETENTION_DAYS days.
   */
  notifications: NotificationConnection;
};


export type UserNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
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
  User: User;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Notification: ResolverTypeWrapper<NotificationRow>;
  NotificationConnection: ResolverTypeWrapper<NotificationPage>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  NotificationEdge: ResolverTypeWrapper<Omit<NotificationEdge, 'node'> & { node: ResolversTypes['Notification'] }>;
  NotificationKind: NotificationKind;
  NotificationPreferences: ResolverTypeWrapper<NotificationPreferences>;
  NotificationsReadResult: ResolverTypeWrapper<NotificationsReadResult>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  StockWatch: ResolverTypeWrapper<StockWatch>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<EntityRef>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Mutation: Record<PropertyKey, never>;
  ID: Scalars['ID']['output'];
  Notification: NotificationRow;
  NotificationConnection: NotificationPage;
  Int: Scalars['Int']['output'];
  NotificationEdge: Omit<NotificationEdge, 'node'> & { node: ResolversParentTypes['Notification'] };
  NotificationPreferences: NotificationPreferences;
  NotificationsReadResult: NotificationsReadResult;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  StockWatch: StockWatch;
  Subscription: Record<PropertyKey, never>;
  User: EntityRef;
  String: Scalars['String']['output'];
};

export type AuthDirectiveArgs = {
  requires?: Maybe<Array<Scalars['String']['input']>>;
};

export type AuthDirectiveResolver<Result, Parent, ContextType = Context, Args = AuthDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  markNotificationsRead?: Resolver<ResolversTypes['NotificationsReadResult'], ParentType, ContextType, Partial<MutationMarkNotificationsReadArgs>>;
  updateNotificationPreferences?: Resolver<ResolversTypes['NotificationPreferences'], ParentType, ContextType, RequireFields<MutationUpdateNotificationPreferencesArgs, 'emailKinds'>>;
  watchProductStock?: Resolver<ResolversTypes['StockWatch'], ParentType, ContextType, RequireFields<MutationWatchProductStockArgs, 'productId'>>;
};

export type NotificationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['NotificationKind'], ParentType, ContextType>;
  link?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['NotificationConnection'] = ResolversParentTypes['NotificationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['NotificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type NotificationEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['NotificationEdge'] = ResolversParentTypes['NotificationEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Notification'], ParentType, ContextType>;
};

export type NotificationPreferencesResolvers<ContextType = Context, ParentType extends ResolversParentTypes['NotificationPreferences'] = ResolversParentTypes['NotificationPreferences']> = {
  emailKinds?: Resolver<Array<ResolversTypes['NotificationKind']>, ParentType, ContextType>;
};

export type NotificationsReadResultResolvers<ContextType = Context, ParentType extends ResolversParentTypes['NotificationsReadResult'] = ResolversParentTypes['NotificationsReadResult']> = {
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type StockWatchResolvers<ContextType = Context, ParentType extends ResolversParentTypes['StockWatch'] = ResolversParentTypes['StockWatch']> = {
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  notificationAdded?: SubscriptionResolver<ResolversTypes['Notification'], "notificationAdded", ParentType, ContextType>;
};

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  notificationPreferences?: Resolver<ResolversTypes['NotificationPreferences'], ParentType, ContextType>;
  notifications?: Resolver<ResolversTypes['NotificationConnection'], ParentType, ContextType, RequireFields<UserNotificationsArgs, 'first' | 'unreadOnly'>>;
};

export type Resolvers<ContextType = Context> = {
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationConnection?: NotificationConnectionResolvers<ContextType>;
  NotificationEdge?: NotificationEdgeResolvers<ContextType>;
  NotificationPreferences?: NotificationPreferencesResolvers<ContextType>;
  NotificationsReadResult?: NotificationsReadResultResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  StockWatch?: StockWatchResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = Context> = {
  auth?: AuthDirectiveResolver<any, any, ContextType>;
};
