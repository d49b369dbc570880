/** Portfolio dispatches on the wire (adapters/store/portfolio-runs.ts PortfolioDispatchRecord). */
import { Type } from 'typebox';
import { Id, Instant, JobLinkSchema, PositiveKw } from './common.ts';

export const PortfolioDispatchCreateSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('import-limit'), Type.Literal('reduce'), Type.Literal('export')], {
      description: 'import-limit: the portfolio imports at most powerKw; reduce: powerKw less than its baseline (the plans in force on arrival); export: the portfolio exports powerKw',
    }),
    powerKw: PositiveKw('the limit, the reduction or the export'),
    start: Instant('from (inclusive)'),
    end: Instant('until (exclusive); at most 7 days after start'),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the utility\'s own reference' })),
  },
  { additionalProperties: false, examples: [{ kind: 'import-limit', powerKw: 3000, start: '2026-12-07T17:00:00+01:00', end: '2026-12-07T19:00:00+01:00', reference: 'DSO congestion 4711' }] },
);

export const PortfolioDispatchParams = Type.Object({ portfolioId: Id('portfolio id'), dispatchId: Id('portfolio dispatch id') }, { additionalProperties: false });

export const PortfolioDispatchSchema = Type.Object({
  id: Type.String(),
  portfolioId: Type.String(),
  kind: Type.String(),
  powerKw: Type.Number(),
  start: Instant('from'),
  end: Instant('until'),
  reference: Type.Optional(Type.String()),
  status: Type.String({ description: 'pending (waiting for its split) | planned | failed (see failure) | cancelled' }),
  requestedBy: Type.String(),
  createdAt: Instant('received'),
  siteIds: Type.Array(Type.String(), { description: 'members when it arrived' }),
  fulfilment: Type.String({ description: 'full | partial | none | pending | failed: never full when a slot is not met' }),
  message: Type.String(),
  slots: Type.Array(
    Type.Object({
      start: Instant('slot start'),
      end: Instant('slot end'),
      requestedKw: Type.Number({ description: 'in the dispatch\'s terms (limit, reduction, export)' }),
      plannedKw: Type.Number({ description: 'what the portfolio\'s plan does, in the same terms' }),
      baselineNetImportKw: Type.Union([Type.Number(), Type.Null()], { description: 'the plans in force on arrival, summed (null: a member had none)' }),
      netImportLimitKw: Type.Number({ description: 'the bound on the sum\'s net import this asks for' }),
      plannedNetImportKw: Type.Number(),
      met: Type.Boolean(),
      reason: Type.Optional(Type.String({ description: 'why the slot is not met' })),
      sites: Type.Array(Type.Object({ siteId: Type.String(), shareNetImportKw: Type.Number(), plannedNetImportKw: Type.Number() }), { description: 'the sites that carry the slot' }),
    }),
  ),
  siteDispatches: Type.Array(
    Type.Object({ siteId: Type.String(), dispatchId: Type.String(), kind: Type.String(), powerKw: Type.Number(), start: Instant('from'), end: Instant('until'), href: Type.String() }),
    { description: 'each site\'s share as its own site dispatch' },
  ),
  sitesWithoutShare: Type.Array(Type.String()),
  portfolioPlanId: Type.Optional(Type.String()),
  planHowMade: Type.Optional(Type.String({ description: 'how that portfolio plan was made: coordination, status, gap to its certified bound, sites that kept a timed-out plan (absent before session 15)' })),
  failure: Type.Optional(Type.Object({
    code: Type.String(),
    message: Type.String(),
    at: Instant('failed'),
    retryable: Type.Boolean({ description: 'whether posting the dispatch again may succeed (the code\'s cause may pass: a solver failure, Redis); a failed dispatch is final and never split later' }),
  }, { description: 'why the split failed for good (status failed). The POST is answered 201 all the same: the dispatch was created and its outcome is final, like fulfilment none' })),
  resplits: Type.Array(Type.String(), { description: 'why it was split again (a site carrying a share was removed, sites joined)' }),
  job: Type.Optional(JobLinkSchema),
});

export const PortfolioDispatchListSchema = Type.Object({ dispatches: Type.Array(PortfolioDispatchSchema) });
