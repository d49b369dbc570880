/** Portfolios on the wire (adapters/store/portfolio-store.ts). */
import { Type, type Static } from 'typebox';
import { Id, Instant, Kw, PositiveKw } from './common.ts';

export const SharedLimitWindowSchema = Type.Object(
  {
    start: Instant('from (inclusive)'),
    end: Instant('until (exclusive)'),
    importLimitKw: Type.Optional(Kw('limit on the sum of the sites\' import')),
    exportLimitKw: Type.Optional(Kw('limit on the sum of the sites\' export')),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'where it comes from, e.g. a DSO congestion notice' })),
  },
  { additionalProperties: false, description: 'a time-bounded shared limit; a slot it touches gets it whole' },
);

export const SharedLimitsSchema = Type.Object(
  {
    importLimitKw: Type.Optional(PositiveKw('always-on limit on the sum of the sites\' import, e.g. the feeder transformer')),
    exportLimitKw: Type.Optional(Kw('always-on limit on the sum of the sites\' export')),
    windows: Type.Optional(Type.Array(SharedLimitWindowSchema, { maxItems: 1_000 })),
  },
  { additionalProperties: false, description: 'limits on the sum of the member sites\' grid import and export; per slot the tightest applies' },
);

const portfolioFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Union([Type.Literal('feeder'), Type.Literal('market')], {
    description: 'feeder: the sites share a connection (a site is in at most one feeder); market: a commercial pool (a site may be in several)',
  }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Berlin' }),
  siteIds: Type.Array(Id('member site id'), { maxItems: 10_000, description: 'member sites; each must exist when the portfolio is written' }),
  sharedLimits: Type.Optional(SharedLimitsSchema),
};

export const PortfolioCreateSchema = Type.Object({ id: Type.Optional(Id('portfolio id; generated when omitted')), ...portfolioFields }, { additionalProperties: false });
export const PortfolioReplaceSchema = Type.Object(portfolioFields, { additionalProperties: false });
export type PortfolioCreate = Static<typeof PortfolioCreateSchema>;
export type PortfolioReplace = Static<typeof PortfolioReplaceSchema>;

export const PortfolioSchema = Type.Object({
  id: Type.String(),
  ...portfolioFields,
  missingSiteIds: Type.Array(Type.String(), { description: 'members deleted since the portfolio was written: they are left out of plans and dispatches' }),
  createdAt: Instant('created'),
  updatedAt: Instant('last changed'),
  revision: Type.Integer(),
});

export const PortfolioListSchema = Type.Object({ portfolios: Type.Array(PortfolioSchema) });

export const PortfolioParams = Type.Object({ portfolioId: Id('portfolio id') }, { additionalProperties: false });
