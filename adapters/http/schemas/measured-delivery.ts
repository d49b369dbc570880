/** Measured delivery (M&V) reports on the wire (grid/delivery/). Nulls are gaps or pending slots, never zeros. */
import { Type } from 'typebox';

const KwOrNull = (description: string) => Type.Union([Type.Number(), Type.Null()], { description: `${description} (kW); null = gap or pending` });
const Outcome = Type.Union([Type.Literal('met'), Type.Literal('short'), Type.Literal('gap'), Type.Literal('pending')]);

export const DeliveryTotalsSchema = Type.Object({
  requestedKwh: Type.Number(),
  plannedKwh: Type.Number(),
  deliveredKwh: Type.Number({ description: 'over the metered slots' }),
  shortfallKwh: Type.Number(),
  slots: Type.Object({ met: Type.Integer(), short: Type.Integer(), gap: Type.Integer(), pending: Type.Integer() }),
});

export const MeterIssueSchema = Type.Object({
  kind: Type.Union([Type.Literal('duplicate'), Type.Literal('conflicting-duplicate'), Type.Literal('unknown-meter'), Type.Literal('register-decreased'), Type.Literal('invalid-sample')]),
  meterId: Type.String(),
  at: Type.String(),
  count: Type.Integer(),
  detail: Type.String(),
});

export const SiteDeliveryReportSchema = Type.Object({
  siteId: Type.String(),
  dispatchId: Type.String(),
  kind: Type.String({ description: 'import-limit, export-delivery or import-reduction: the quantity every kW column is in' }),
  measurement: Type.Union([Type.Literal('complete'), Type.Literal('partial'), Type.Literal('unmeasured'), Type.Literal('pending')]),
  baselinePlanId: Type.Union([Type.String(), Type.Null()], { description: 'the plan in force when the dispatch arrived; null = the site had none' }),
  plannedWithPlanId: Type.Union([Type.String(), Type.Null()], { description: 'the plan made with the dispatch; null = not yet made' }),
  baselineHowMade: Type.Union([Type.String(), Type.Null()], { description: 'how the baseline plan was made: its solver status and message, its portfolio coordination; null = no baseline' }),
  plannedWithHowMade: Type.Union([Type.String(), Type.Null()], { description: 'how the plan made with the dispatch was made: its solver status and message (e.g. a time limit and the fallback it kept), its portfolio coordination; null = not yet made' }),
  totals: DeliveryTotalsSchema,
  slots: Type.Array(
    Type.Object({
      start: Type.String(),
      end: Type.String(),
      requestedKw: Type.Number(),
      baselineKw: KwOrNull('the baseline; for a reduction the baseline import'),
      plannedKw: KwOrNull('the plan made with the dispatch'),
      deliveredKw: KwOrNull('metered'),
      shortfallKw: KwOrNull('missing against the request'),
      meteredNetImportKw: KwOrNull('metered net import'),
      outcome: Outcome,
      source: Type.String({ description: 'site-meter, charger-meters+planned-site-load, or none' }),
      reason: Type.Optional(Type.String()),
    }),
  ),
  meterIssues: Type.Array(MeterIssueSchema),
});

export const DeliveryQuerySchema = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'json (default) or csv (text/csv, one row per slot)' })) },
  { additionalProperties: false },
);

export const PortfolioDeliveryReportSchema = Type.Object({
  portfolioId: Type.String(),
  dispatchId: Type.String(),
  kind: Type.String({ description: 'import-limit, export-delivery or import-reduction: the quantity every kW column is in' }),
  measurement: Type.Union([Type.Literal('complete'), Type.Literal('partial'), Type.Literal('unmeasured'), Type.Literal('pending')]),
  totals: DeliveryTotalsSchema,
  missingSiteIds: Type.Array(Type.String(), { description: 'sites that carried a share and no longer exist: not in the sums' }),
  portfolioPlanId: Type.Union([Type.String(), Type.Null()], { description: 'the portfolio plan that split the dispatch; null = not split' }),
  planHowMade: Type.Union([Type.String(), Type.Null()], { description: 'how that portfolio plan was made: coordination, status, gap to its certified bound, sites that kept a timed-out plan' }),
  sitePlans: Type.Array(Type.Object({ siteId: Type.String(), planId: Type.String(), howMade: Type.String({ description: 'its solver status and message, its coordination' }) }), { description: 'per site, the plan made with its share' }),
  slots: Type.Array(
    Type.Object({
      start: Type.String(),
      end: Type.String(),
      requestedKw: Type.Number(),
      baselineKw: KwOrNull('the sum of the plans in force when it arrived'),
      plannedKw: KwOrNull('the sum of the plans made with it'),
      deliveredKw: KwOrNull('metered, summed over the sites'),
      shortfallKw: KwOrNull('missing against the request'),
      outcome: Outcome,
      reason: Type.Optional(Type.String({ description: 'a gap names the sites whose meter data is missing' })),
      sites: Type.Array(Type.Object({ siteId: Type.String(), plannedKw: KwOrNull('its plan'), deliveredKw: KwOrNull('metered'), shortfallKw: KwOrNull('its shortfall'), outcome: Outcome })),
    }),
  ),
});
