/**
 * The perfect-foresight offline optimum: one LP over the whole replay (period start to the last departure)
 * that knows every session's actual arrival, departure, energy and every actual price from the start.
 * It is the reference the other policies are measured against (`gapToOfflinePct`).
 *
 * A reference a researcher can publish:
 * - **Its own budget, in work** (`policy.offlineWorkLimit`, default `offlineWorkLimit`: offline-budget.ts), never
 *   the per-decision limit of the rolling policies: the same inputs give the same row, or the same failure, on any
 *   machine. The wall clock (`policy.offlineTimeLimitMs`, default `offlineTimeLimitMs`) is only a safety net; a row
 *   it ends says that it depends on machine speed.
 * - **Exact where it may finish**: minimum currents by the exact lazy MILP, started from the LP repair's
 *   plan, on problems up to `offlineMilpMaxVehicleSlots` (the LP repair above: 6 % dearer than the MILP on
 *   the taper-aware Caltech week, seed 5).
 * - **Never a silent fallback.** A solve that ends without a plan of its own (`error`, or `timed_out` with only
 *   a baseline) is `V2G_ERR_SCENARIO_OFFLINE`, naming the cause and the budget. A plan that is valid but not
 *   proven optimal (`feasible`: the LP repair; `timed_out`: the MILP stopped at the budget, its incumbent or
 *   the repair's plan) is kept and marked in every output by `offlineReferenceLabel` with why, its bound,
 *   its gap in money and %, and the work budget with the work spent.
 * - **Its bound beside the replayed plan**: the best proven lower bound of the plan's objective (net cost +
 *   shortfall penalty): the LP relaxation's, or a stopped MILP round's when higher; equal to it when `optimal`.
 * - **The same billing periods as the KPIs**: every billing month the replay touches is priced on its own
 *   peak (the optimizer's `furtherDemandCharges`), the first with the peak carried in.
 *
 * Its plan is applied open-loop through the same vehicle physics as every policy, so its KPIs are
 * comparable. It plans taper-aware (charge-taper.ts: the physics' charge taper as rows of the LP, said in its
 * notes), so the replay delivers what the plan does; the plan's own cost is reported too.
 */
import { assembleProblem, type AssembledProblem } from '../grid/problem-assembly.ts';
import type { DemandCharge, Problem } from '../optimizer/problem.ts';
import type { Plan } from '../optimizer/plan.ts';
import type { NetworkRowSeed } from '../optimizer/network/lazy-rows.ts';
import { solveWithBackend, type IntegerStrategy, type NetworkRowsReport, type SolveEnvironment } from '../optimizer/solve-problem.ts';
import { siteSignals, vehicleAtInstants } from './decision-problem.ts';
import { ScenarioError } from './errors.ts';
import type { Controller, SolverSetup } from './policies.ts';
import type { PhysicsModel, ReplayInputs } from './replay-inputs.ts';
import { taperAwareNote, withChargeTaper } from './charge-taper.ts';
import { workBudgetText, type WorkReport } from '../optimizer/work-limit.ts';
import { offlineBudgetText, offlineWorkLimitOf } from './offline-budget.ts';

/**
 * Default wall-clock safety net of the one offline solve (ms): much larger than the work budget needs
 * (`offlineWorkLimit`), so that it ends only a solve that has gone wrong; a row it ends says that it depends on
 * the machine's speed (`offlineReferenceLabel`). Was the offline's only budget (300 s) before the work budget.
 */
export const offlineTimeLimitMs = 3_600_000;


/**
 * Largest problem (vehicles x slots) the offline solves as the exact MILP by default (`offlineIntegerStrategy`
 * 'auto'). Measured (bench/RESULTS.md, issue 13 session 7, helper i13o): the Caltech week (99 x 672 = 66,528)
 * finishes exactly on seeds 5 and 8 in 6-10 s of CPU (not on seed 1 within 300 s then; since session 14 every seed
 * 1-10 finishes, in 1-10 MILP nodes: bench/RESULTS.md, helper i13b); the month sweep scenarios (10,731 slots x 954 sessions, 10.2 million) keep the LP repair and
 * its speed. Nothing between was measured: the limit is three times the largest size measured to finish.
 */
export const offlineMilpMaxVehicleSlots = 200_000;

/**
 * Relative MIP gap of the offline's MILP (default of `SolverSetup.offlineMipRelGap`): a proven optimum is then
 * within 1e-6 of its bound (the optimizer's default, 1e-4, is 0.34 USD on the Caltech week's objective).
 */
export const offlineMipRelGap = 1e-6;

/** How the offline enforces minimum currents: `solver.offlineIntegerStrategy`, else 'auto' (the exact MILP up to `offlineMilpMaxVehicleSlots`). */
export function offlineIntegerStrategy(problem: Problem, solver: SolverSetup): IntegerStrategy {
  const chosen = solver.offlineIntegerStrategy ?? 'auto';
  if (chosen !== 'auto') return chosen;
  if (problem.vehicles.length * problem.slotCount <= offlineMilpMaxVehicleSlots) return 'milp';
  return solver.options?.integerStrategy ?? 'repair';
}

/** Where the offline plan came from, in words for its label (`PlanOrigin.source`). */
const sourceWords: Record<string, string> = {
  milp: "the MILP's incumbent",
  'lp-repair': 'the LP repair of minimum currents',
  'lp-rounded': 'the LP rounded to minimum currents',
  lp: 'the LP',
};

/** The offline plan over the whole replay, its bound, how long it took, and notes on its limits. */
export interface OfflineSolution {
  readonly plan: Plan;
  /** Session id -> index in `plan.vehicles`. */
  readonly index: ReadonlyMap<string, number>;
  /** Proven lower bound of `plan.cost.objective` (the LP relaxation's objective); undefined when the solver gave none. */
  readonly bound: number | undefined;
  /** The wall-clock safety net the solve had (ms). */
  readonly timeLimitMs: number;
  /**
   * The work budget, the work this solve spent (its own: a warm-started solve counts its own iterations) and what
   * stopped it, if anything (work-limit.ts); absent for a reused plan (no solve).
   */
  readonly work?: WorkReport;
  /** Billing periods priced in the solve (`yyyy-MM`). */
  readonly billingKeys: readonly string[];
  /** Measured by the caller's clock (ms): assembly and solve. */
  readonly elapsedMs: number;
  readonly notes: readonly string[];
  /** Set when the plan is a higher capacity's, reused exactly (offline-reuse.ts): that capacity. */
  readonly reusedFromCapacity?: number;
  /** How minimum currents were enforced (`offlineIntegerStrategy`); absent for a reused plan. */
  readonly integerStrategy?: IntegerStrategy;
  /** Which candidate the plan is (`PlanOrigin.source`: 'milp', 'lp-repair', ...); absent for a reused plan. */
  readonly source?: string;
  /** Set when the wall-clock safety net stopped the solve (the plan is then the best of its own it had): the solve's time (ms). */
  readonly stoppedAfterMs?: number;
  /** The network rows the solve's models held (to start a neighbouring capacity's model with them), if any, with its first LP's optimal basis. */
  readonly networkRows?: NetworkRowSeed;
  /** Set when the first LP started from the optimal basis of a higher capacity's solve (`OfflineRowSeed`): that capacity. */
  readonly warmFromCapacity?: number;
}

/**
 * Network rows of a neighbouring solve to start the offline model with (and, in `rows.basis`, its first LP's
 * optimal basis to start the first LP from), and where they come from (for the notes).
 */
export interface OfflineRowSeed {
  readonly rows: NetworkRowSeed;
  /** E.g. "the offline solve of capacity 15 (solved at 15)". */
  readonly from: string;
  /** The capacity of that solve (the sweep's value), for `OfflineSolution.warmFromCapacity`. */
  readonly capacity?: number;
  /** Why `rows` carries no basis when the caller left it out on purpose (for the notes; default "it kept none"). */
  readonly noBasisReason?: string;
}

/** The note of an offline solve whose first LP started from `seed`'s basis. */
export function offlineWarmStartNote(seed: OfflineRowSeed): string {
  return `offline first LP warm-started from the optimal basis of ${seed.from} (same columns and rows, only bounds differ): a basis is only a start, so the LP optimum and its bound are those of a cold start; where the LP has several optimal vertices the one found, and so the LP repair's plan, may differ within the stated gap`;
}

/**
 * Every billing period the horizon touches as the problem's demand charges: the first as `demandCharge`
 * (with the peak carried into the replay), the others as `furtherDemandCharges` (nothing carried in).
 */
export function withEveryBillingPeriod(inputs: ReplayInputs, assembled: AssembledProblem): { problem: Problem; keys: string[] } {
  const rule = inputs.billing;
  const { problem, grid } = assembled;
  if (!rule) return { problem, keys: [] };
  const periods = new Map<string, { pricePerKw: number; slots: boolean[] }>();
  for (let t = 0; t < problem.slotCount; t++) {
    const p = rule(grid.startUtcMs + t * grid.slotMs);
    let entry = periods.get(p.key);
    if (!entry) periods.set(p.key, (entry = { pricePerKw: p.pricePerKw, slots: new Array<boolean>(problem.slotCount).fill(false) }));
    entry.slots[t] = true;
  }
  const charges: DemandCharge[] = [...periods.values()].map((p, i) => ({
    pricePerKw: p.pricePerKw,
    ...(i === 0 && inputs.previousPeakKw > 0 ? { previousPeakKw: inputs.previousPeakKw } : {}),
    appliesToSlot: p.slots,
  }));
  const { demandCharge: _single, furtherDemandCharges: _further, ...rest } = problem;
  return {
    problem: { ...rest, ...(charges.length > 0 ? { demandCharge: charges[0]! } : {}), ...(charges.length > 1 ? { furtherDemandCharges: charges.slice(1) } : {}) },
    keys: [...periods.keys()],
  };
}

/**
 * The whole replay as one problem (every session known from the start, every billing period priced), planned
 * taper-aware (charge-taper.ts) when the physics tapers, so the open-loop replay delivers what the plan does.
 */
export function offlineProblem(inputs: ReplayInputs): { readonly assembled: AssembledProblem; readonly problem: Problem; readonly keys: string[] } {
  const assembled = assembleProblem({
    site: inputs.site,
    horizonStart: inputs.periodStartUtcMs,
    horizonEnd: inputs.simulationEndUtcMs,
    vehicles: inputs.sessions.map((s) => vehicleAtInstants(inputs, s, s.initialEnergyKwh, s.arrivalUtcMs, s.departureUtcMs)),
    signals: siteSignals(inputs, inputs.marketPrice),
  });
  const { problem, keys } = withEveryBillingPeriod(inputs, assembled);
  return { assembled, problem: withChargeTaper(problem, inputs.physics), keys };
}

/** Notes on what the offline problem prices and leaves out (for every run with it). */
export function offlineProblemNotes(offline: { readonly assembled: AssembledProblem; readonly problem: Problem; readonly keys: readonly string[] }, physics: PhysicsModel): string[] {
  const notes: string[] = [];
  const { assembled, keys } = offline;
  if (offline.problem.vehicles.some((v) => v.chargeTaper !== undefined)) notes.push(`offline reference: ${taperAwareNote(physics)}`);
  if (keys.length > 1) notes.push(`the offline solve prices the demand charge of every billing period the replay touches (${keys.join(', ')}), as the KPIs bill them`);
  // Sessions left out of this solve for covering no whole slot are stated by the replay engine in every run's notes.
  const otherDrops = assembled.droppedVehicles.filter((d) => d.reason !== 'no-whole-slot').length;
  if (otherDrops > 0) notes.push(`${otherDrops} session(s) left out of the offline solve outside its horizon`);
  return notes;
}

/**
 * Solves the whole replay at once: the exact MILP where it may finish (`offlineIntegerStrategy`), started
 * from the LP repair's plan. `clock` is the caller's (ms); `env` reaches the optimizer (its solve clock, in
 * tests). A solve stopped by the budget keeps the best plan of its own (the MILP's incumbent or the repair's)
 * with its best bound, marked by `offlineReferenceLabel`. Throws `V2G_ERR_SCENARIO_OFFLINE` when the solve
 * yields no plan of its own (only a baseline or idle) or the backend failed. `rowSeed` (a capacity sweep:
 * offline-reuse.ts) starts the model with a neighbouring solve's network rows and, when it kept one, its first
 * LP's optimal basis (the dual simplex then starts there), said in the notes; the solution keeps the rows its
 * own models held and its own first LP's basis (`networkRows`).
 */
export function solveOffline(inputs: ReplayInputs, solver: SolverSetup, clock: () => number, env: SolveEnvironment = {}, rowSeed?: OfflineRowSeed): OfflineSolution {
  if (solver.backend === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'The offline optimum needs a solver backend', [{ path: '/policy/name', message: 'no LP backend was given' }]);
  }
  const started = clock();
  const offline = offlineProblem(inputs);
  const { problem, keys } = offline;
  const notes = offlineProblemNotes(offline, inputs.physics);
  const timeLimitMs = solver.offlineTimeLimitMs ?? offlineTimeLimitMs;
  const workLimit = offlineWorkLimitOf(solver);
  const integerStrategy = offlineIntegerStrategy(problem, solver);
  const size = problem.vehicles.length * problem.slotCount;
  notes.push(
    integerStrategy === 'milp'
      ? `offline reference: minimum currents by the exact MILP, started from the LP repair's plan (${problem.vehicles.length} vehicles x ${problem.slotCount} slots = ${size})`
      : `offline reference: minimum currents by the LP repair (${problem.vehicles.length} vehicles x ${problem.slotCount} slots = ${size}${size > offlineMilpMaxVehicleSlots ? `, above the exact MILP's ${offlineMilpMaxVehicleSlots}` : ''})`,
  );
  // The LP repair's path (large problems) keeps the options' MIP gap: it decides there when baselines are compared.
  const mipRelGap = integerStrategy === 'milp' ? { mipRelGap: solver.offlineMipRelGap ?? offlineMipRelGap } : {};
  let rows: NetworkRowsReport = { seeded: 0, held: undefined };
  const plan = solveWithBackend(problem, solver.backend, { ...solver.options, integerStrategy, timeLimitMs, workLimit, ...mipRelGap }, {
    ...env,
    ...(rowSeed !== undefined ? { networkRowSeed: rowSeed.rows } : {}),
    keepFirstLpBasis: true,
    onNetworkRows: (r) => {
      rows = r;
      env.onNetworkRows?.(r);
    },
  });
  const warmFrom = rowSeed !== undefined && rowSeed.rows.basis !== undefined && plan.stats.warmStart === 'basis' ? rowSeed : undefined;
  if (rows.seeded > 0) {
    notes.push(
      `offline model started with ${rows.seeded} network rows that ${rowSeed!.from} needed (rows of the full polygon model: the LP optimum and its bound are the same; the LP repair may start from another optimal vertex)`,
    );
  }
  if (warmFrom !== undefined) notes.push(offlineWarmStartNote(warmFrom));
  else if (rowSeed !== undefined) {
    const why = rowSeed.rows.basis === undefined ? (rowSeed.noBasisReason ?? 'it kept none') : (rows.basisRefused ?? 'not taken');
    notes.push(`offline first LP started cold (slack basis): the optimal basis of ${rowSeed.from} was not used (${why})`);
  }
  const source = plan.origin?.source;
  const ownPlan = source !== undefined && source !== 'baseline' && source !== 'idle';
  const work = plan.stats.work ?? { limit: workLimit, spent: { simplexIterations: 0, mipNodes: 0, mipIterations: 0 } };
  if (plan.status === 'error' || (plan.status === 'timed_out' && !ownPlan)) {
    const byWork = work.reached === 'simplexIterations' || work.reached === 'mipNodes';
    const how = byWork
      ? `its work budget stopped it (${work.reached}: ${workBudgetText(work)}); raise policy.offlineWorkLimit.${work.reached}`
      : work.reached === 'time'
        ? `the wall-clock safety net ended it after ${Math.round(clock() - started)} ms of a ${timeLimitMs} ms budget (${workBudgetText(work)} spent; this depends on machine speed and load)`
        : `after ${Math.round(clock() - started)} ms of a ${timeLimitMs} ms budget (${workBudgetText(work)} spent)`;
    throw new ScenarioError('V2G_ERR_SCENARIO_OFFLINE', 'The offline reference was not solved; no fallback plan is reported as the reference', [
      { path: byWork ? `/policy/offlineWorkLimit/${work.reached}` : '/policy/offlineTimeLimitMs', message: `${plan.stats.backend} ended ${plan.status}: ${how}: ${plan.message ?? 'no message'}` },
    ]);
  }
  const bound = plan.status === 'optimal' ? plan.cost.objective : (plan.origin?.bound ?? plan.stats.relaxationObjective);
  return {
    plan,
    index: new Map(plan.vehicles.map((v, i) => [v.id, i])),
    bound,
    timeLimitMs,
    work,
    billingKeys: keys,
    elapsedMs: clock() - started,
    notes,
    integerStrategy,
    ...(source !== undefined ? { source } : {}),
    ...(plan.status === 'timed_out' && work.reached === 'time' ? { stoppedAfterMs: plan.origin?.elapsedMs ?? clock() - started } : {}),
    ...(rows.held !== undefined ? { networkRows: rows.held } : {}),
    ...(warmFrom?.capacity !== undefined ? { warmFromCapacity: warmFrom.capacity } : {}),
  };
}

/** Gap of the plan's objective over its bound (%, of the bound's magnitude); 0 for an optimal plan; undefined without a bound. */
export function offlineBoundGapPct(plan: { readonly objective: number; readonly status: string }, bound: number | undefined): number | undefined {
  if (plan.status === 'optimal') return 0;
  if (bound === undefined) return undefined;
  return ((plan.objective - bound) / Math.max(Math.abs(bound), 1e-9)) * 100;
}

/**
 * Gap of the plan's objective over its bound in money (the objective's currency): what the plan may still
 * be above the optimum, not hidden by a percentage of an objective dominated by shortfall penalties.
 */
export function offlineBoundGapMoney(plan: { readonly objective: number; readonly status: string }, bound: number | undefined): number | undefined {
  if (plan.status === 'optimal') return 0;
  if (bound === undefined) return undefined;
  return plan.objective - bound;
}

/** What the label says about an offline solve (the `ReplayResult.offlinePlan` summary's fields). */
export interface OfflineLabelInput {
  readonly netCost: number;
  readonly objective: number;
  readonly status: string;
  readonly bound?: number | null | undefined;
  /** `OfflineSolution.source`. */
  readonly source?: string | null | undefined;
  /** `OfflineSolution.integerStrategy`. */
  readonly integerStrategy?: string | null | undefined;
  /** `OfflineSolution.stoppedAfterMs`. */
  readonly stoppedAfterMs?: number | null | undefined;
  /** `OfflineSolution.work`: the budget, the work spent and what stopped the solve (absent for a reused plan). */
  readonly work?: WorkReport | null | undefined;
  /** The objective's currency (default USD). */
  readonly currency?: string | undefined;
}

/**
 * How the offline reference was made, for every output: `optimal` and its bound, or `NOT PROVEN OPTIMAL`
 * with why (the MILP stopped at its work budget, or ended by the wall-clock safety net after X s, or the LP repair was used), where the plan comes
 * from, its bound and its gap in money and in % of the bound. The replayed plan's net cost may differ from
 * the plan's (charge taper).
 */
export function offlineReferenceLabel(offline: OfflineLabelInput): string {
  const bound = offline.bound ?? undefined;
  const budget = offlineBudgetText(offline.work ?? undefined);
  if (offline.status === 'optimal') return `offline optimum (plan objective ${offline.objective.toFixed(2)} = bound)${budget}`;
  const currency = offline.currency ?? 'USD';
  const gap = offlineBoundGapPct(offline, bound);
  const money = offlineBoundGapMoney(offline, bound);
  const boundText = bound === undefined ? 'no bound' : `bound ${bound.toFixed(2)}; gap ${money!.toFixed(2)} ${currency} (${gap!.toFixed(3)} %)`;
  const stopped = offline.stoppedAfterMs ?? undefined;
  const reached = offline.work?.reached;
  const what = offline.integerStrategy === 'milp' ? 'MILP' : 'solve';
  const why =
    reached === 'simplexIterations' || reached === 'mipNodes'
      ? `not proven optimal: ${what} stopped at its work budget (${reached === 'mipNodes' ? 'MILP nodes' : 'simplex iterations'})`
      : stopped !== undefined
        ? `not proven optimal: ${what} ended by the wall-clock safety net after ${(stopped / 1000).toFixed(1)} s; this row depends on machine speed`
        : `${offline.status}`;
  const from = offline.source ? `; plan from ${sourceWords[offline.source] ?? offline.source}` : '';
  return `offline NOT PROVEN OPTIMAL (${why}${from}; plan objective ${offline.objective.toFixed(2)}, ${boundText})${budget}`;
}


/** Replays the offline plan: the setpoint of each plugged vehicle is the plan's power in that slot. */
export function offlineController(solution: OfflineSolution): Controller {
  const { plan, index } = solution;
  return {
    policy: 'offline',
    decide(_atUtcMs, slotIndex, plugged) {
      const setpointsKw = new Map<string, number>();
      for (const p of plugged) {
        const i = index.get(p.session.id);
        if (i !== undefined) setpointsKw.set(p.session.id, plan.vehicles[i]!.powerKw[slotIndex] ?? 0);
      }
      return { setpointsKw, status: plan.status, solverMs: 0 };
    },
  };
}
