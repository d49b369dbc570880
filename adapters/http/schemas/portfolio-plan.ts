/** A portfolio's coordinated plan on the wire (adapters/store/portfolio-runs.ts PortfolioPlanRecord). */
import { Type } from 'typebox';
import { Instant, JobLinkSchema } from './common.ts';

const NullableNumber = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

export const PortfolioPlanSlotSchema = Type.Object({
  start: Instant('slot start'),
  end: Instant('slot end'),
  netImportKw: Type.Number({ description: 'sum of the sites\' planned net import (kW; negative = export)' }),
  importLimitKw: NullableNumber('tightest shared limit on the sum\'s net import (kW); null = none'),
  importLimitSource: Type.String({ description: '`feeder`, a window\'s reason, `dispatch <id>` or `none`' }),
  exportLimitKw: NullableNumber('shared export limit (kW); null = none'),
  exportLimitSource: Type.String(),
  headroomKw: NullableNumber('import limit minus the planned sum (kW; negative = the limit is broken, see breaches)'),
  priceAdderPerKwh: Type.Number({ description: 'the feeder price the coordination settled on (added to every site\'s import and export price)' }),
});

export const PortfolioSiteShareSchema = Type.Object({
  siteId: Type.String(),
  planId: Type.String({ description: 'the site plan stored from this coordination (its plan in force until a later re-plan)' }),
  planHref: Type.String(),
  planStatus: Type.String(),
  objective: Type.Number({ description: 'its cost at its own prices (without the feeder price)' }),
  netImportKw: Type.Array(Type.Number(), { description: 'per slot (kW)' }),
  importCapKw: Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: 'its share of the shared import limit per slot (kW; null = none; negative = it must export that much); a re-plan of the site alone stays within it' }),
  exportCapKw: Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: 'its share of the shared export limit per slot (kW; null = none)' }),
});

export const PortfolioPlanSchema = Type.Object({
  id: Type.String(),
  portfolioId: Type.String(),
  createdAt: Instant('made'),
  jobId: Type.String(),
  reasons: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('optimal'), Type.Literal('feasible'), Type.Literal('limit-breached')], { description: 'limit-breached: a shared limit is broken in `breaches` (only where the sites could not avoid it)' }),
  timedOutSites: Type.Optional(Type.Array(Type.Object({
    siteId: Type.String(),
    message: Type.String({ description: 'the solver\'s message: what the kept plan is (its repaired LP, or a baseline named)' }),
  }), { description: 'sites whose solve hit its time limit: each keeps the best valid plan it had by then, within its share of the shared limits (its cost is in `objective` and the gap); absent when none' })),
  method: Type.Union([Type.Literal('price-iterate'), Type.Literal('cap-recovery'), Type.Literal('vehicle-columns'), Type.Literal('site-columns'), Type.Literal('aggregate-first')], { description: 'how the plan was found: an iterate of the feeder-price loop whose sum kept the limits, each site within its share of them, one column generation over every vehicle of the portfolio (its sites\' rows and the feeder priced together), Dantzig-Wolfe over whole-site plans (a master of feeder rows and one convexity row per site; sites with a fractional weight re-solved within their share), or one round of site solves within the shares of the aggregate LP of the sites\' relaxations (aggregate-first)' }),
  stopReason: Type.String({ description: 'gap (within 0.5 % of the bound) | iterations | no-shared-limit | no-bound (the sites proved no bound: the prices could not move; the cap recovery made the plan)' }),
  objective: Type.Number({ description: 'sum of the sites\' costs at their own prices' }),
  bound: NullableNumber('certified lower bound of the portfolio optimum (Lagrangian dual); null = none'),
  gapPercent: NullableNumber('(objective - bound) / max(1, |objective|) in %; null = no bound'),
  boundDetail: Type.Optional(Type.Object({
    kind: Type.Union([Type.Literal('relaxation'), Type.Literal('lagrangian'), Type.Literal('none')], { description: 'relaxation: the aggregate LP of the sites\' relaxations; lagrangian: the sites\' bounds at the feeder prices less the prices times the limits; none: no certified bound (the price step\'s duals gave none and no uncapped round beat it)' }),
    note: Type.String({ description: 'which bound, and the sites without a proven bound of their own and why (e.g. "1 site(s) without a proven bound of their own: time limit (site-7); their relaxation at the same prices stood in for 1")' }),
    lagrangianValue: Type.Optional(NullableNumber('the uncapped round\'s Lagrangian value, kept or not; null = -Infinity (a site with no bound at all)')),
    sites: Type.Optional(Type.Array(Type.Object({
      siteId: Type.String(),
      status: Type.String({ description: 'its solve\'s status in the uncapped round' }),
      source: Type.Union([Type.Literal('site-solve'), Type.Literal('relaxation'), Type.Literal('none')], { description: 'where its part of the Lagrangian value came from: its own solve\'s proven bound, its relaxation at the same prices (its solve proved none), or none' }),
      pricedBound: NullableNumber('its lower bound of its priced problem (with the feeder price); null = none'),
      pricedObjective: Type.Number({ description: 'its uncapped plan\'s cost at the same prices' }),
      gapPercent: NullableNumber('(pricedObjective - pricedBound) / max(1, |pricedObjective|) in %: how weak its part is'),
      reason: Type.Optional(Type.String({ description: 'why its solve proved no bound (e.g. time limit, with the solver\'s message)' })),
    }), { description: 'per site, its part of the Lagrangian value' })),
  }, { description: 'aggregate-first plans: how the bound was made' })),
  iterations: Type.Integer(),
  solves: Type.Integer({ description: 'site solves made' }),
  wallMs: Type.Integer(),
  solvedOn: Type.String({ description: 'where the site solves ran' }),
  siteSolves: Type.Optional(Type.Object({
    mode: Type.Union([Type.Literal('in-process'), Type.Literal('bullmq-flow'), Type.Literal('vehicle-columns')], { description: 'in-process: the coordinating worker solved every site (embedded); bullmq-flow: each round of site solves was a BullMQ flow, a child job per site, taken by any worker process (Redis); vehicle-columns: one column generation over every vehicle (shards on BullMQ shard workers in Redis mode with DECOMPOSITION_SHARD_QUEUES, else worker threads), see summary' }),
    flows: Type.Integer({ description: 'flows run (one per round of site solves)' }),
    childJobs: Type.Integer(),
    byWorker: Type.Record(Type.String(), Type.Integer(), { description: 'child jobs per worker process that solved them' }),
    plansCarried: Type.Optional(Type.Integer({ description: 'chosen site plans stored exactly as their site solve made them (no site solved again)' })),
    plansResolved: Type.Optional(Type.Integer({ description: 'chosen site plans solved once more to be stored (PORTFOLIO_FLOW_PLANS=resolve, or a kept plan that expired); 0 by default' })),
    resident: Type.Optional(Type.Object({ warm: Type.Integer(), first: Type.Integer(), cold: Type.Integer() }, { description: 'PORTFOLIO_SITE_MODELS=resident: site answers re-solved from the last LP basis of the open model (warm), first solves on a new model, solved cold (why: see summary)' })),
    cpuMs: Type.Optional(Type.Object({ childSolves: Type.Number(), keepPlans: Type.Number(), takeAndCheck: Type.Number() }, { description: 'process CPU ms of the worker processes: during the children\'s solves, keeping their plans in Redis, taking and checking the chosen plans' })),
  }, { description: 'how the site solves ran' })),
  priceStep: Type.Optional(Type.Object({
    step: Type.String({ description: 'monolithic (one LP, dual simplex) | monolithic-ipm (one LP, interior point without crossover) | monolithic-ipm-crossover | decomposed (Dantzig-Wolfe over the sites\' relaxations)' }),
    asked: Type.String({ description: 'what PORTFOLIO_PRICE_STEP asked (auto: chosen by its size rule)' }),
    why: Type.String({ description: 'why this step ran (auto: its rule applied to this portfolio)' }),
    lpSolver: Type.Union([Type.Literal('simplex'), Type.Literal('ipm'), Type.Literal('ipm-crossover'), Type.Literal('decomposed')], { description: 'the algorithm that solved the aggregate LP' }),
    status: Type.String({ description: 'the aggregate LP\'s status' }),
    solveMs: Type.Integer({ description: 'its solve time (ms, wall)' }),
    boundKind: Type.Union([Type.Literal('relaxation'), Type.Literal('lagrangian'), Type.Literal('none')], { description: 'which bound the plan\'s bound is: the aggregate LP\'s (relaxation), a Lagrangian value of site solves at its feeder prices, or none' }),
    boundNote: Type.Optional(Type.String({ description: 'an interior point without crossover: its bound is the Lagrangian value at its row duals (or none), not its objective' })),
    rounds: Type.Optional(Type.Integer({ description: 'decomposed: rounds run (each: every site\'s relaxation re-solved, the master once)' })),
    threads: Type.Optional(Type.Integer({ description: 'decomposed: threads that solved the sites\' relaxations (PORTFOLIO_PRICE_STEP_THREADS)' })),
    warmStart: Type.Optional(Type.String({ description: 'decomposed: where its first round\'s prices came from: zero, or warm from the plan in force\'s feeder prices (PORTFOLIO_WARM_PRICES) with that round\'s bound' })),
  }, { description: 'PORTFOLIO_COORDINATION=aggregate-first: how its price step (the aggregate LP) was solved and why' })),
  howMade: Type.String({ description: 'the above in one sentence' }),
  slots: Type.Array(PortfolioPlanSlotSchema),
  sites: Type.Array(PortfolioSiteShareSchema),
  breaches: Type.Array(Type.Object({ start: Instant('slot start'), direction: Type.String(), excessKw: Type.Number(), reason: Type.String() })),
  excludedSites: Type.Array(Type.Object({ siteId: Type.String(), reason: Type.String() }), { description: 'members not planned (their plans in force are not coordinated), with why' }),
  dispatchIds: Type.Array(Type.String(), { description: 'portfolio dispatches split by this coordination' }),
});

export const PortfolioPlanQueuedSchema = Type.Object({
  portfolioId: Type.String(),
  job: JobLinkSchema,
  plan: Type.Optional(PortfolioPlanSchema),
  message: Type.String(),
});

export const PortfolioPlanQuerySchema = Type.Object(
  { wait: Type.Optional(Type.Boolean({ description: 'wait for the coordination (up to DISPATCH_ACK_TIMEOUT_MS) and answer with the plan (default true); false: 202 at once' })) },
  { additionalProperties: false },
);
