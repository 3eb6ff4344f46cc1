import { badInput, forbidden, requireViewer, type SubgraphContext } from '@cloudlab/kit';
import { config } from './config';
import type { Loaders } from './loaders';
import type { Resolvers } from './generated/resolvers';
import { salesReport, type Report } from './sales-report';
import { cancellationRate, parseRange, type Granularity } from './periods';
import * as reports from './reports';
import type { Platform } from './reports';

type Ctx = SubgraphContext<Loaders>;

function limit(first: number | null | undefined, fallback: number, max: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(`first must be between 1 and ${max}`, 'first');
  return n;
}

export const resolvers = {
  Query: {
    platformStats: (_: unknown, args: { from: string; to: string }, ctx: Ctx) => {
      const { from, to } = parseRange(args.from, args.to, config.ANALYTICS_MAX_RANGE_DAYS);
      return reports.platformTotals(ctx.readDb, from, to);
    },
  },
  PlatformStats: {
    topVendors: async (p: Platform, args: { first?: number | null }, ctx: Ctx) =>
      (await reports.topVendors(ctx.readDb, p.from, p.to, limit(args.first, 5, 50))).map((v) => ({
        vendor: { __typename: 'Vendor' as const, id: v.id },
        orders: v.orders,
        revenue: v.revenue,
      })),
  },
  Vendor: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    salesReport: async (vendor: { id: string }, args: { from: string; to: string; granularity?: Granularity | null }, ctx: Ctx) => {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.role !== 'ADMIN' && viewer.vendorId !== vendor.id) throw forbidden("Only this vendor's staff and admins see its sales");
      const range = parseRange(args.from, args.to, config.ANALYTICS_MAX_RANGE_DAYS);
      return salesReport(ctx.readDb, vendor.id, range.from, range.to, args.granularity ?? 'DAY');
    },
  },
  SalesReport: {
    cancellationRate: (r: Report) => cancellationRate(r.orders, r.cancellations),
    topProducts: async (r: Report, args: { first?: number | null }, ctx: Ctx) =>
      (await reports.topProducts(ctx.readDb, r.vendorId, r.from, r.to, limit(args.first, 5, 50))).map((p) => ({
        product: { __typename: 'Product' as const, id: p.id },
        units: p.units,
        revenue: p.revenue,
      })),
  },
  Product: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    salesCount: async (p: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.salesCount.load(p.id))?.units ?? 0,
    alsoBought: async (p: { id: string }, args: { first?: number | null }, ctx: Ctx) =>
      (await ctx.loaders.alsoBought.load({ key: p.id, args: limit(args.first, 4, 20) })).map((id) => ({ __typename: 'Product' as const, id })),
  },
} satisfies Resolvers;
