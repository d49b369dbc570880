/** Plans on the wire: the current plan, its history, one plan with its problem, on-demand optimize. */
import { Type } from 'typebox';
import { ProblemSchema } from '../../../optimizer/problem.ts';
import { Id, JobLinkSchema } from './common.ts';

export const PlanStatusSchema = Type.Object({
  solver: Type.String({ description: 'optimal | feasible (valid, not proven optimal) | timed_out | error' }),
  freshness: Type.Union([Type.Literal('current'), Type.Literal('stale'), Type.Literal('superseded')], {
    description: 'current: the latest attempt made this plan; stale: a later attempt failed and this plan stays in force; superseded: a newer plan exists',
  }),
  inForce: Type.Boolean(),
  message: Type.Optional(Type.String()),
  lastAttempt: Type.Optional(
    Type.Object({
      at: Type.String(),
      ok: Type.Boolean(),
      jobId: Type.String(),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
      willRetry: Type.Optional(Type.Boolean()),
    }),
  ),
});

const CostSchema = Type.Object({
  energyCost: Type.Number(),
  exportRevenue: Type.Number(),
  demandCharge: Type.Number(),
  degradationCost: Type.Number(),
  netCost: Type.Number({ description: 'energy - export revenue + demand charge + degradation, at the real prices' }),
  shortfallKwh: Type.Number(),
  shortfallPenalty: Type.Number(),
  objective: Type.Number({ description: 'what the optimizer minimised (penalties and dispatch incentives included)' }),
});

const SiteSlotSchema = Type.Object({
  start: Type.String(),
  end: Type.String(),
  importKw: Type.Number(),
  exportKw: Type.Number(),
  netKw: Type.Number({ description: 'import - export' }),
  baseLoadKw: Type.Number(),
  pvKw: Type.Number(),
  pvCurtailedKw: Type.Number(),
  importLimitKw: Type.Number(),
  importLimitSource: Type.String({ description: 'connection, transformer, dispatch:<id>, openadr3:...' }),
  exportLimitKw: Type.Number(),
  exportLimitSource: Type.String(),
  importPricePerKwh: Type.Number(),
  exportPricePerKwh: Type.Number(),
});

const VehicleSchema = Type.Object({
  sessionId: Type.String(),
  chargerId: Type.String(),
  powerKw: Type.Array(Type.Number(), { description: 'setpoint per slot of site.slots: + charge, - discharge' }),
  energyAtStartKwh: Type.Number(),
  energyAtEndKwh: Type.Number({ description: 'at departure, or at the horizon end' }),
  shortfallKwh: Type.Number(),
  shortfallReason: Type.Optional(
    Type.Object({
      kind: Type.String({ description: 'own-limit (charger and stay cannot deliver) | site-limit (import, dispatch or network limit used up) | price (dearer than the shortfall penalty) | strategy (a baseline left room)' }),
      detail: Type.String(),
    }),
  ),
});

const PlanOriginSchema = Type.Object(
  {
    source: Type.String({ description: 'lp | milp | lp-repair | lp-rounded | baseline | idle: which candidate the plan is' }),
    baseline: Type.Optional(Type.String()),
    objective: Type.Number(),
    bound: Type.Optional(Type.Number({ description: 'best proven lower bound on the optimum' })),
    gapPct: Type.Optional(Type.Number({ description: '100 x (objective - bound) / |bound|' })),
    timedOut: Type.Boolean({ description: 'the time budget ran out: the plan is the best found by then' }),
    timeLimitMs: Type.Number(),
    elapsedMs: Type.Number(),
  },
  { description: 'how the plan was chosen among the valid candidates of the solve' },
);

export const PlanViewSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  createdAt: Type.String(),
  status: PlanStatusSchema,
  trigger: Type.Array(Type.String()),
  horizon: Type.Object({
    start: Type.String(),
    end: Type.String(),
    slotMinutes: Type.Integer(),
    slotCount: Type.Integer(),
    limitedBy: Type.String({ description: 'configured-horizon, or import-price when the price ends first' }),
  }),
  currency: Type.String(),
  cost: CostSchema,
  solver: Type.Object({ backend: Type.String(), solveMs: Type.Number(), buildMs: Type.Number(), rounds: Type.Integer(), jobId: Type.String(), origin: Type.Optional(PlanOriginSchema) }),
  site: Type.Object({ peakImportKw: Type.Number(), slots: Type.Array(SiteSlotSchema) }),
  vehicles: Type.Array(VehicleSchema),
  forecastFills: Type.Array(
    Type.Object({
      signal: Type.String({ description: 'export-price, base-load or pv' }),
      start: Type.String(),
      end: Type.String(),
      rule: Type.String({ description: 'zero, same-time-nearest-day (the value 1, 2, ... days away) or nearest-value' }),
    }),
    { description: 'ranges of the horizon where a forecast did not reach and an assumption was planned with instead' },
  ),
  droppedSessions: Type.Array(Type.Object({ sessionId: Type.String(), reason: Type.String(), message: Type.String() })),
  coordination: Type.Optional(
    Type.Object(
      {
        portfolioId: Type.String(),
        portfolioPlanId: Type.String(),
        mode: Type.String({ description: 'coordinated: solved in the portfolio\'s coordination; warm-replan: re-planned alone at its last feeder prices within its share' }),
        siteObjective: Type.Number({ description: 'the plan\'s cost at the site\'s own prices (`cost` includes the feeder price)' }),
        note: Type.String(),
      },
      { description: 'present when the plan was made with its portfolio (GET /v1/portfolios/{id}/plan)' },
    ),
  ),
  uncontrolledSessions: Type.Array(
    Type.Object({
      sessionId: Type.String(),
      chargerId: Type.String(),
      powerKw: Type.Number({ description: 'assumed draw while charging (kW): the charger limit' }),
      energyKwh: Type.Number({ description: 'energy assumed over the horizon (kWh)' }),
      reason: Type.String(),
    }),
    { description: 'sessions on chargers that cannot follow profiles (unmanaged): in the base load as uncontrolled load, not planned as vehicles' },
  ),
  dispatches: Type.Array(Type.Object({ id: Type.String(), rewardPerKwh: Type.Optional(Type.Number()) })),
  network: Type.Optional(
    Type.Object(
      {
        elements: Type.Array(
          Type.Object({
            name: Type.String({ description: 'group AB, breaker <id> line a, transformer secondary line b, transformer primary line c' }),
            limitA: Type.Optional(Type.Number({ description: 'limit on the current magnitude (A); absent when not limited' })),
            peakA: Type.Number({ description: 'highest current magnitude under the plan (A)' }),
            peakAt: Type.String({ description: 'start of the slot of the peak' }),
            peakLoadingPct: Type.Optional(Type.Number({ description: 'peak / limit (%)' })),
          }),
        ),
        meanSecondaryUnbalancePct: Type.Optional(Type.Number({ description: "mean NEMA current unbalance of the transformer's secondary lines over the slots with current (%)" })),
      },
      { description: "with a three-phase network: each element's peak current under the plan against its limit" },
    ),
  ),
  problem: Type.Optional(ProblemSchema),
});

export const PlanSummarySchema = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  solverStatus: Type.String(),
  trigger: Type.Array(Type.String()),
  horizonStart: Type.String(),
  horizonEnd: Type.String(),
  netCost: Type.Number(),
  shortfallKwh: Type.Number(),
  vehicles: Type.Integer(),
  inForce: Type.Boolean(),
});

export const PlanHistorySchema = Type.Object({ plans: Type.Array(PlanSummarySchema) });
export const PlanParams = Type.Object({ siteId: Id('site id'), planId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const PlanQuerySchema = Type.Object(
  { include: Type.Optional(Type.Literal('problem', { description: 'add the optimizer problem the plan solves' })) },
  { additionalProperties: false },
);
export const HistoryQuerySchema = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })) }, { additionalProperties: false });
export const OptimizeQuerySchema = Type.Object(
  { wait: Type.Optional(Type.Boolean({ description: 'false: always 202 + job; default: wait for small sites' })) },
  { additionalProperties: false },
);
export const OptimizeAcceptedSchema = Type.Object({ job: JobLinkSchema, message: Type.String() });
