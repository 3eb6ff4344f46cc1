import type { GraphQLResolveInfo } from 'graphql';
import type { MediaRow } from '../store';
import type { StoredVariant } from '../variants';
import type { EntityRef } from '@cloudlab/kit';
import type { Context } from '../loaders';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
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

export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

export type HttpHeader = {
  __typename?: 'HttpHeader';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** An uploaded image. */
export type Media = {
  __typename?: 'Media';
  /** Text for screen readers and when the image cannot be shown. */
  alt?: Maybe<Scalars['String']['output']>;
  height?: Maybe<Scalars['Int']['output']>;
  id: Scalars['ID']['output'];
  product?: Maybe<Product>;
  status: MediaStatus;
  /**
   * thumb (200 px box), card (600 px) and full (1600 px), each as image/webp and image/jpeg;
   * never larger than the original. URLs are immutable (a hash of the bytes is in them).
   */
  variants: Array<MediaVariant>;
  /** Of the original as displayed (orientation applied); null while PENDING. */
  width?: Maybe<Scalars['Int']['output']>;
};

export type MediaStatus =
  /** Upload URL handed out; nothing checked yet. */
  | 'PENDING'
  /** Checked and resized: shown on its product. */
  | 'READY';

/** Where and how to send an image's bytes. */
export type MediaUpload = {
  __typename?: 'MediaUpload';
  /** ISO 8601 time after which the URL is refused (403). */
  expiresAt: Scalars['String']['output'];
  /** Pass it to confirmMediaUpload once the bytes are sent. */
  mediaId: Scalars['ID']['output'];
  /** Headers to send exactly as given (they are part of the signature). */
  uploadHeaders: Array<HttpHeader>;
  /** PUT */
  uploadMethod: Scalars['String']['output'];
  uploadUrl: Scalars['String']['output'];
};

export type MediaVariant = {
  __typename?: 'MediaVariant';
  contentType: Scalars['String']['output'];
  height: Scalars['Int']['output'];
  /** thumb, card or full. */
  name: Scalars['String']['output'];
  url: Scalars['String']['output'];
  width: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Checks what arrived (the real type from the bytes, size, dimensions, at most MEDIA_MAX_PIXELS
   * pixels), makes the variants and adds the image last to its product's images. Bytes that do not
   * match their declaration are BAD_USER_INPUT and deleted. Confirming a READY image again answers it.
   */
  confirmMediaUpload: Media;
  /**
   * Vendor staff (for their vendor's products) or an admin start an image upload: the answer is a
   * short-lived presigned URL the client sends the bytes to with `uploadMethod` and
   * `uploadHeaders` — straight to storage, never through the gateway. contentType: image/jpeg,
   * image/png, image/webp or image/avif; byteSize: 1 to MEDIA_MAX_BYTES (10 MB). Then call
   * confirmMediaUpload.
   */
  createProductImageUpload: MediaUpload;
  /** Deletes an image (pending or ready) with its files; answers the product it belonged to. */
  deleteProductImage: Product;
  /** Puts a product's images in this order: `mediaIds` lists every one of its images exactly once. */
  reorderProductImages: Array<Media>;
  /** Changes an image's alt text (null: none). */
  updateProductImageAlt: Media;
};


export type MutationConfirmMediaUploadArgs = {
  alt?: InputMaybe<Scalars['String']['input']>;
  mediaId: Scalars['ID']['input'];
};


export type MutationCreateProductImageUploadArgs = {
  byteSize: Scalars['Int']['input'];
  contentType: Scalars['String']['input'];
  productId: Scalars['ID']['input'];
};


export type MutationDeleteProductImageArgs = {
  mediaId: Scalars['ID']['input'];
};


export type MutationReorderProductImagesArgs = {
  mediaIds: Array<Scalars['ID']['input']>;
  productId: Scalars['ID']['input'];
};


export type MutationUpdateProductImageAltArgs = {
  alt?: InputMaybe<Scalars['String']['input']>;
  mediaId: Scalars['ID']['input'];
};

export type Product = {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
  /**
   * Ready images in the vendor's order (first: the main picture). `first`: at most that many (a
   * card wants only the main picture: `images(first: 1)`, which the gateway's cost estimate counts
   * as one image rather than a list of OPERATION_COST_LIST_SIZE); all of them when omitted.
   */
  images: Array<Media>;
};


export type ProductImagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
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
  Media: Media;
  Product: Product;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Media:
    ( { __typename: 'Media' }
    & GraphQLRecursivePick<FederationTypes['Media'], {"id":true}> );
  Product:
    ( { __typename: 'Product' }
    & GraphQLRecursivePick<FederationTypes['Product'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  CacheControlScope: CacheControlScope;
  HttpHeader: ResolverTypeWrapper<HttpHeader>;
  Media: ResolverTypeWrapper<MediaRow>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  MediaStatus: MediaStatus;
  MediaUpload: ResolverTypeWrapper<MediaUpload>;
  MediaVariant: ResolverTypeWrapper<StoredVariant>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Product: ResolverTypeWrapper<EntityRef>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  HttpHeader: HttpHeader;
  Media: MediaRow;
  ID: Scalars['ID']['output'];
  MediaUpload: MediaUpload;
  MediaVariant: StoredVariant;
  Mutation: Record<PropertyKey, never>;
  Product: EntityRef;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
};

export type AuthDirectiveArgs = {
  requires?: Maybe<Array<Scalars['String']['input']>>;
};

export type AuthDirectiveResolver<Result, Parent, ContextType = Context, Args = AuthDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = Context, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type HttpHeaderResolvers<ContextType = Context, ParentType extends ResolversParentTypes['HttpHeader'] = ResolversParentTypes['HttpHeader']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MediaResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Media'] = ResolversParentTypes['Media'], FederationReferenceType extends FederationReferenceTypes['Media'] = FederationReferenceTypes['Media']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Media']> | FederationReferenceType, FederationReferenceType, ContextType>;
  alt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MediaStatus'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['MediaVariant']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type MediaUploadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MediaUpload'] = ResolversParentTypes['MediaUpload']> = {
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  mediaId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  uploadHeaders?: Resolver<Array<ResolversTypes['HttpHeader']>, ParentType, ContextType>;
  uploadMethod?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MediaVariantResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MediaVariant'] = ResolversParentTypes['MediaVariant']> = {
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  confirmMediaUpload?: Resolver<ResolversTypes['Media'], ParentType, ContextType, RequireFields<MutationConfirmMediaUploadArgs, 'mediaId'>>;
  createProductImageUpload?: Resolver<ResolversTypes['MediaUpload'], ParentType, ContextType, RequireFields<MutationCreateProductImageUploadArgs, 'byteSize' | 'contentType' | 'productId'>>;
  deleteProductImage?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationDeleteProductImageArgs, 'mediaId'>>;
  reorderProductImages?: Resolver<Array<ResolversTypes['Media']>, ParentType, ContextType, RequireFields<MutationReorderProductImagesArgs, 'mediaIds' | 'productId'>>;
  updateProductImageAlt?: Resolver<ResolversTypes['Media'], ParentType, ContextType, RequireFields<MutationUpdateProductImageAltArgs, 'mediaId'>>;
};

export type ProductResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'], FederationReferenceType extends FederationReferenceTypes['Product'] = FederationReferenceTypes['Product']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['Media']>, ParentType, ContextType, Partial<ProductImagesArgs>>;
};

export type Resolvers<ContextType = Context> = {
  HttpHeader?: HttpHeaderResolvers<ContextType>;
  Media?: MediaResolvers<ContextType>;
  MediaUpload?: MediaUploadResolvers<ContextType>;
  MediaVariant?: MediaVariantResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = Context> = {
  auth?: AuthDirectiveResolver<any, any, ContextType>;
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
};
