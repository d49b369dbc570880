/**
 * Policies a replay can run, and the controller interface the replay engine drives.
 *
 * Every policy is named in one registry (policy-names.ts).
 * - `mpc`, `mpc-quick`, `mpc-plain`: rolling horizon. At every slot boundary with a vehicle plugged in, the
 *   problem of what is known then (decision-problem.ts) is assembled by grid, regularised
 *   (mpc-regularisers.ts) and solved by an LP backend (HiGHS); the first slot of the plan is applied.
 * - `fcfs`, `edf`, `llf`, `round-robin`, `alap`, `price-greedy`: the optimizer's baselines in the same
 *   rolling loop, within the site and network limits (`fcfs` is the optimizer's `uncontrolled` baseline).
 * - `uncontrolled`: full power from arrival, ignoring every limit (violations are counted by the KPIs).
 * - `offline`: the perfect-foresight optimum (offline-optimum.ts), one solve over the whole replay knowing
 *   every arrival, departure and price; its plan is applied open-loop through the same vehicle physics.
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import type { BaselineName } from '../optimizer/baselines/index.ts';
import type { Plan, PlanStatus } from '../optimizer/plan.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend, solveWithBaseline, type IntegerStrategy, type SolveEnvironment, type SolveOptions } from '../optimizer/solve-problem.ts';
import type { CandidateObjective } from '../optimizer/incumbents.ts';
import type { WorkLimit } from '../optimizer/work-limit.ts';
import { decisionAssemblyInput, type PluggedVehicle } from './decision-problem.ts';
import { ScenarioError } from './errors.ts';
import { scenarioPhantoms, type ArrivalScenario } from './arrival-scenarios.ts';
import { forecastFromHistory, phantomIdPrefix, phantomVehicles, type ArrivalForecast } from './arrival-forecast.ts';
import { demandChargeFactor, lateChargeGuardNote, lateChargeMarginNote, withLateChargeGuard, withLateChargeMarginOf, withQuickCharge, siteLimitBinds, siteLimitBindsForEveryPlan, congestionDeliveryNote, deliveryFirstResolved, type CongestionDelivery, type LateChargeMargin, type DemandChargeTreatment, type QuickChargeRank } from './mpc-regularisers.ts';
import { withTaperAllowance } from './taper-allowance.ts';
import { arrivalReserveNote, solveWithArrivalReserve, type ArrivalReserve } from './arrival-reserve.ts';
import { withTargetMargin } from './target-margin.ts';
import { peakEstimateNote, peakEstimateOf, peakFloorKw, withPeakFloor, type PeakEstimateRule } from './billing-peak-estimate.ts';
import { demandChargeTreatmentOf, withoutFloorNote } from './demand-charge-without-floor.ts';
import { siteCapacityKw } from '../grid/site-network.ts';
import { physicsHasTaper, taperAwareNote, withChargeTaper, type TaperForm } from './charge-taper.ts';
import { setpointForAverageKw } from './taper-setpoint.ts';
import { isPolicyName, policyNames, type MpcVariant, type PolicyName } from './policy-names.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { chargerLimitKw } from './replay-session.ts';

export { isPolicyName, policyNames, policyNeedsSolver, policyRegistry, type PolicyName } from './policy-names.ts';

/** The policy name, or `V2G_ERR_SCENARIO_POLICY` naming `path`. */
export function requirePolicyName(name: string, path = '/policy/name'): PolicyName {
  if (!isPolicyName(name)) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'The policy is unknown', [{ path, message: `"${name}" is not one of ${policyNames.join(', ')}` }]);
  }
  return name;
}

/** What a controller decided at one slot boundary. */
export interface Decision {
  /** Setpoint per session id for this slot (kW): positive charges, negative discharges; absent = 0. */
  readonly setpointsKw: ReadonlyMap<string, number>;
  readonly status: PlanStatus;
  readonly message?: string;
  /** Time the solver itself reported (ms; build + solve), 0 for baselines and lookups. */
  readonly solverMs: number;
  /**
   * How the plan applied here was made, where it is not the controller's usual plan (e.g. `deliveryFirstResolved`:
   * re-solved delivery first under congestion): in the run's timeseries (`plan_made`) and counted in its notes; absent = usual.
   */
  readonly planMade?: string;
}

/** A controller: called at each slot boundary where a vehicle is plugged in. */
export interface Controller {
  readonly policy: PolicyName;
  /** How its plans are made, beyond its name (e.g. taper-aware planning): in every run's notes. */
  readonly notes?: readonly string[];
  decide(atUtcMs: number, slotIndex: number, plugged: readonly PluggedVehicle[], previousPeakKw: number): Decision;
}

/** Solver settings for LP policies. */
export interface SolverSetup {
  /** An LP backend (HiGHS), required by `mpc` and `offline`. */
  readonly backend?: LpBackend;
  readonly options?: SolveOptions;
  /** Wall-clock safety net of the offline reference's one solve (ms); default `offlineTimeLimitMs` (offline-optimum.ts). */
  readonly offlineTimeLimitMs?: number;
  /** Deterministic work budget of the offline reference's one solve, per field over the defaults (`offlineWorkLimit`, offline-optimum.ts). */
  readonly offlineWorkLimit?: WorkLimit;
  /** How the offline enforces minimum currents; default 'auto': the exact MILP up to `offlineMilpMaxVehicleSlots` (offline-optimum.ts). */
  readonly offlineIntegerStrategy?: IntegerStrategy | 'auto';
  /** Relative MIP gap of the offline's MILP; default `offlineMipRelGap` (offline-optimum.ts, 1e-6), not `options.mipRelGap`. */
  readonly offlineMipRelGap?: number;
}

/** The LP backend of `solver`, or `V2G_ERR_SCENARIO_POLICY` naming `policy` when it has none. */
export function requireBackend(policy: PolicyName, solver: SolverSetup): LpBackend {
  return backendOf(solver, policy);
}

/** Options of the MPC (the named variants fix them; a study may set them directly). */
export interface MpcOptions {
  readonly variant: MpcVariant;
  readonly demandCharge: DemandChargeTreatment;
  /** Expected arrivals from history before the period (arrival-forecast.ts), planned as phantom vehicles; absent = none. */
  readonly forecast?: ArrivalForecast;
  /** A peak (kW) the billing period is expected to reach anyway: planned as already set (free below it); absent = the carried peak only. */
  readonly peakHintKw?: number;
  /**
   * A billing-peak estimate learnt from the history (billing-peak-estimate.ts): each decision plans the billing peak
   * from at least its floor (free below it, as below a peak already set), and delivery first under congestion counts
   * that floor as the peak already set; absent = the carried peak only.
   */
  readonly peakEstimate?: PeakEstimateRule;
  /** How the quick-charge regulariser ranks vehicles (mpc-regularisers.ts); absent = `deadline`. */
  readonly rank?: QuickChargeRank;
  /** The quick-charge weight as a share of the mean price, instead of `variant`'s (`quickChargeShare`). */
  readonly quickChargeShare?: number;
  /** Plan the charge taper as an allowance on the charge limit (taper-allowance.ts); absent = no. */
  readonly taperAllowance?: boolean;
  /**
   * Arrival scenarios (arrival-scenarios.ts): each decision solves one LP per scenario (its cars as phantoms) and,
   * with `forecast`, one more with the expected arrivals, and applies `scenarioCombine` of their first slots; absent = one LP.
   */
  readonly scenarios?: readonly ArrivalScenario[];
  /** How the scenarios' first slots are combined per vehicle: `mean` (default) or `max`. */
  readonly scenarioCombine?: 'mean' | 'max';
  /**
   * Taper-aware planning (charge-taper.ts): when the physics tapers the charge, every plugged vehicle's plan
   * keeps to the taper as linear rows in its stored energy (optimizer/taper-rows.ts); absent = no.
   */
  readonly taperAware?: boolean;
  /**
   * With `taperAware`: `constant` (default; a constant setpoint the physics accepts in full) or `stepped` (the plan's
   * power is the slot average of the physics' steps, its rows the exact largest averages, and the setpoint sent is
   * the one that draws that average: `steppedSetpoints`; charge-taper.ts, taper-setpoint.ts).
   */
  readonly taperForm?: TaperForm;
  /**
   * Arrival reserve (arrival-reserve.ts): headroom under the peak kept, softly, for cars not yet seen (reserve
   * phantoms added after the regularisers); absent = none.
   */
  readonly reserve?: ArrivalReserve;
  /** Plan each plugged vehicle to its target plus this (kWh, at most its capacity; target-margin.ts); absent = 0. */
  readonly targetMarginKwh?: number;
  /** Late-charge guard (mpc-regularisers.ts `withLateChargeGuard`): the last this many hours of each stay cost the solver a premium; absent = none. */
  readonly lateChargeGuardHours?: number;
  /**
   * `mpc-events` only, on a site with a network: each plan's first model is built with the network rows the previous
   * plan's models held and its plan brought within 1 % of their bound (event-mpc.ts `carriedRowSlackShare`), moved to
   * the new horizon by absolute time (rows before it or past its end dropped: lazy-rows.ts `carryNetworkRows`). Every
   * such row is a row of the full polygon model, so each plan's LP optimum is the same; fewer lazy rounds reach it,
   * and HiGHS may stop at another optimal vertex (so the plans, and the month's KPIs, can move: scenarios/MPC.md).
   * The first LP then starts from the greedy crash basis (`SolveOptions.crashBasis`, unless the solver options set it).
   * Absent = no (each plan starts without network rows).
   */
  readonly carryNetworkRows?: boolean;
  /**
   * Late-charge margin (mpc-regularisers.ts `withLateChargeMargin`): the last `minutes` of each stay cost the solver
   * `riskShare` x the shortfall penalty per kWh more, enough to buy a higher peak; absent = none.
   */
  readonly lateChargeMargin?: LateChargeMargin;
  /**
   * Delivery first under congestion (mpc-regularisers.ts `CongestionDelivery`): a decision whose plan uses up the site
   * import limit in some slot is solved again with this quick charge; absent = one solve.
   */
  readonly congestionDelivery?: CongestionDelivery;
  /**
   * How each decision's solve ranks its candidate plans (optimizer `SolveOptions.candidateObjective`): `regularised`
   * counts the regularisers above, so a baseline (`alap`, `price-greedy`) cannot replace the repaired LP plan by
   * ignoring them (scenarios/MPC.md, "Candidates ranked with the regularisers"); absent = the solver options' (`billed`).
   */
  readonly candidateObjective?: CandidateObjective;
}

/** The demand-charge treatment of the named MPC policies (chosen by measurement, scenarios/MPC.md). */
export const mpcDemandChargeTreatment: DemandChargeTreatment = 'full';

/**
 * The options of `mpc-forecast` (chosen by measurement, scenarios/MPC.md): `variant`'s quick charge ranked by
 * laxity, the arrival forecast learnt from the replay's history before its period, the taper allowance.
 */
export function mpcForecastOptions(inputs: ReplayInputs, variant: MpcVariant): MpcOptions {
  return { variant, demandCharge: mpcDemandChargeTreatment, forecast: forecastFromHistory(inputs), rank: 'laxity', taperAllowance: true };
}

function decisionFrom(plan: Plan): Decision {
  const setpointsKw = new Map<string, number>();
  for (const v of plan.vehicles) if (!v.id.startsWith(phantomIdPrefix)) setpointsKw.set(v.id, v.powerKw[0] ?? 0);
  return {
    setpointsKw,
    status: plan.status,
    ...(plan.message !== undefined ? { message: plan.message } : {}),
    solverMs: plan.stats.buildMs + plan.stats.solveMs,
  };
}

function backendOf(solver: SolverSetup, policy: string): LpBackend {
  if (solver.backend === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', `The ${policy} policy needs a solver backend`, [{ path: '/policy/name', message: 'no LP backend was given' }]);
  }
  return solver.backend;
}

/**
 * The MPC's plan over the horizon from `atUtcMs` for what is known then: grid's assembly of the decision
 * problem, the demand-charge treatment and the regularisers of `options` (mpc-regularisers.ts), solved by
 * the LP backend. Shared by `mpc*` (first slot applied) and `mpc-events` (plan followed until an event).
 * `env` reaches the solve (`mpc-events` seeds it with the network rows of its previous plan).
 */
export function mpcPlan(inputs: ReplayInputs, backend: LpBackend, baseSolveOptions: SolveOptions, options: MpcOptions, atUtcMs: number, plugged: readonly PluggedVehicle[], previousPeakKw: number, env: SolveEnvironment = {}): Plan {
  return mpcPlanMade(inputs, backend, baseSolveOptions, options, atUtcMs, plugged, previousPeakKw, env).plan;
}

/** An MPC plan and whether it was re-solved delivery first under congestion (`MpcOptions.congestionDelivery`). */
export interface MadeMpcPlan {
  readonly plan: Plan;
  readonly deliveryFirst: boolean;
}

/** `mpcPlan`, saying whether the plan is the delivery-first re-solve (for the decision's `planMade`). */
export function mpcPlanMade(inputs: ReplayInputs, backend: LpBackend, baseSolveOptions: SolveOptions, options: MpcOptions, atUtcMs: number, plugged: readonly PluggedVehicle[], previousPeakKw: number, env: SolveEnvironment = {}): MadeMpcPlan {
  const solveOptions = options.candidateObjective !== undefined ? { ...baseSolveOptions, candidateObjective: options.candidateObjective } : baseSolveOptions;
  const tapered = mpcBaseProblem(inputs, options, atUtcMs, plugged, previousPeakKw);
  const problem = options.forecast ? withPhantoms(tapered, options.forecast, atUtcMs, inputs) : tapered;
  const guardSlots = Math.round(((options.lateChargeGuardHours ?? 0) * 60) / inputs.slotMinutes);
  const regularise = (rank: QuickChargeRank | undefined, share: number | undefined) =>
    withLateChargeMarginOf(withLateChargeGuard(withQuickCharge(problem, options.variant, rank, share), guardSlots), options.lateChargeMargin, inputs.slotMinutes);
  const guarded = regularise(options.rank, options.quickChargeShare);
  if (options.reserve) return { plan: solveWithArrivalReserve(guarded, options.reserve, atUtcMs, inputs.slotMinutes, (p) => solveWithBackend(p, backend, solveOptions, env)), deliveryFirst: false };
  const c = options.congestionDelivery;
  const sunkKw = options.peakEstimate !== undefined ? Math.max(previousPeakKw, problem.demandCharge?.previousPeakKw ?? 0) : previousPeakKw;
  // A billing peak already at the site limit makes the second solve whatever the first plan is: the first is not made
  // (it would be discarded, and nothing it leaves behind reaches the second: the same `env`; not with `warmStart`,
  // where the first would leave its basis to the second).
  if (c !== undefined && c.sunkPeak === true && solveOptions.warmStart !== true && siteLimitBindsForEveryPlan(problem, sunkKw)) {
    return { plan: solveWithBackend(regularise(c.rank, c.quickChargeShare), backend, solveOptions, env), deliveryFirst: true };
  }
  const plan = solveWithBackend(guarded, backend, solveOptions, env);
  if (c === undefined || !siteLimitBinds(problem, plan.site.importKw, c.sunkPeak === true ? sunkKw : 0)) return { plan, deliveryFirst: false };
  const again = solveWithBackend(regularise(c.rank, c.quickChargeShare), backend, solveOptions, env);
  return { plan: { ...again, stats: { ...again.stats, buildMs: again.stats.buildMs + plan.stats.buildMs, solveMs: again.stats.solveMs + plan.stats.solveMs } }, deliveryFirst: true };
}

/** The decision problem of the plugged vehicles (demand-charge treatment, taper allowance), before phantoms and regularisers. */
function mpcBaseProblem(inputs: ReplayInputs, options: MpcOptions, atUtcMs: number, plugged: readonly PluggedVehicle[], previousPeakKw: number): Problem {
  const fullHorizonEndUtcMs = atUtcMs + inputs.horizonHours * 3_600_000;
  const carriedKw = Math.max(previousPeakKw, options.peakHintKw ?? 0);
  const input =
    options.forecast || options.scenarios
      ? decisionAssemblyInput(inputs, atUtcMs, plugged, carriedKw, fullHorizonEndUtcMs)
      : decisionAssemblyInput(inputs, atUtcMs, plugged, carriedKw);
  const dc = input.signals.demandCharge;
  const factor = dc ? demandChargeFactor(demandChargeTreatmentOf(inputs, options), atUtcMs, fullHorizonEndUtcMs, dc.billingPeriodEndUtcMs) : 1;
  const assembled = assembleProblem(factor === 1 || !dc ? input : { ...input, signals: { ...input.signals, demandCharge: { ...dc, pricePerKw: dc.pricePerKw * factor } } });
  const floored = options.peakEstimate ? withPeakFloor(assembled.problem, peakFloorKw(peakEstimateOf(inputs, options.peakEstimate), assembled.problem, siteCapacityKw(inputs.site))) : assembled.problem;
  const margined = options.targetMarginKwh ? withTargetMargin(floored, options.targetMarginKwh) : floored;
  const taperRows = options.taperAware ? withChargeTaper(margined, inputs.physics, options.taperForm) : margined;
  return options.taperAllowance ? withTaperAllowance(taperRows, inputs.physics) : taperRows;
}

/**
 * A scenario MPC's decision: one plan per arrival scenario (its cars as phantoms beside the plugged vehicles),
 * each vehicle's first-slot power combined over the plans (`mean`: a convex combination, so within every
 * per-slot limit each plan keeps; `max`: the most each plan charges it, the charging scaled down so the total
 * stays at most the largest total of a plan, which is within the site limit).
 */
export function mpcScenarioDecision(inputs: ReplayInputs, backend: LpBackend, solveOptions: SolveOptions, options: MpcOptions, atUtcMs: number, plugged: readonly PluggedVehicle[], previousPeakKw: number): Decision {
  const scenarios = options.scenarios ?? [];
  const base = mpcBaseProblem(inputs, options, atUtcMs, plugged, previousPeakKw);
  const grid = { horizonStartUtcMs: atUtcMs, slotMinutes: inputs.slotMinutes, slotCount: base.slotCount, chargeEfficiency: inputs.assumptions.chargeEfficiency };
  const futures = scenarios.map((sc) => scenarioPhantoms(sc, grid));
  if (options.forecast) futures.push(phantomVehicles(options.forecast, grid));
  const plans = futures.map((phantoms) =>
    solveWithBackend(withQuickCharge({ ...base, vehicles: [...base.vehicles, ...phantoms] }, options.variant, options.rank, options.quickChargeShare), backend, solveOptions),
  );
  const combine = options.scenarioCombine ?? 'mean';
  const setpointsKw = new Map<string, number>();
  for (const v of base.vehicles) {
    const powers = plans.map((p) => p.vehicles.find((pv) => pv.id === v.id)?.powerKw[0] ?? 0);
    setpointsKw.set(v.id, combine === 'max' ? Math.max(...powers) : powers.reduce((a, b) => a + b, 0) / Math.max(plans.length, 1));
  }
  if (combine === 'max') {
    // The per-vehicle max may sum above every plan's total: the charging powers are scaled down to the largest total a plan chose.
    const capKw = Math.max(...plans.map((p) => p.vehicles.filter((pv) => !pv.id.startsWith(phantomIdPrefix)).reduce((a, pv) => a + (pv.powerKw[0] ?? 0), 0)));
    const values = [...setpointsKw.values()];
    const chargeKw = values.filter((kw) => kw > 0).reduce((a, b) => a + b, 0);
    const dischargeKw = values.filter((kw) => kw < 0).reduce((a, b) => a + b, 0);
    if (chargeKw + dischargeKw > capKw + 1e-9 && chargeKw > 0) {
      const scale = Math.max(0, capKw - dischargeKw) / chargeKw;
      for (const [id, kw] of setpointsKw) if (kw > 0) setpointsKw.set(id, kw * scale);
    }
  }
  const worst = plans.find((p) => p.status !== 'optimal');
  return {
    setpointsKw,
    status: worst?.status ?? 'optimal',
    message: `${combine} of the first slots of ${plans.length} arrival-scenario plans${options.forecast ? ' (the last: the expected arrivals)' : ''}${worst?.message ? `; ${worst.message}` : ''}`,
    solverMs: plans.reduce((a, p) => a + p.stats.buildMs + p.stats.solveMs, 0),
  };
}

/** `problem` (a decision from `atUtcMs`) with the forecast's phantom vehicles after the plugged ones. */
function withPhantoms(problem: Problem, forecast: ArrivalForecast, atUtcMs: number, inputs: ReplayInputs): Problem {
  const phantoms = phantomVehicles(forecast, { horizonStartUtcMs: atUtcMs, slotMinutes: inputs.slotMinutes, slotCount: problem.slotCount, chargeEfficiency: inputs.assumptions.chargeEfficiency });
  return phantoms.length === 0 ? problem : { ...problem, vehicles: [...problem.vehicles, ...phantoms] };
}

/** The notes of an MPC controller with `options`: taper-aware planning when it is on and the physics tapers; the late-charge guard when it is on. */
export function mpcNotes(inputs: ReplayInputs, options: MpcOptions): { notes?: readonly string[] } {
  const notes = [
    ...(options.taperAware && physicsHasTaper(inputs.physics) ? [taperAwareNote(inputs.physics, options.taperForm)] : []),
    ...(options.reserve ? [arrivalReserveNote(options.reserve)] : []),
    ...(options.targetMarginKwh ? [`target margin: each plugged vehicle planned to its target + ${options.targetMarginKwh} kWh (at most its capacity)`] : []),
    ...((options.lateChargeGuardHours ?? 0) > 0 ? [lateChargeGuardNote(options.lateChargeGuardHours!)] : []),
    ...(options.congestionDelivery !== undefined ? [congestionDeliveryNote(options.congestionDelivery)] : []),
    ...(options.peakEstimate !== undefined ? [peakEstimateNote(peakEstimateOf(inputs, options.peakEstimate))] : []),
    ...[withoutFloorNote(inputs, options)].filter((n) => n !== undefined),
    ...(options.candidateObjective === 'regularised'
      ? ['candidates ranked with the regularisers: a baseline (alap, price-greedy, ...) replaces the repaired LP plan only when it is cheaper counting the regularisers too']
      : []),
    ...(options.lateChargeMargin !== undefined ? [lateChargeMarginNote(options.lateChargeMargin.minutes, options.lateChargeMargin.riskShare)] : []),
  ];
  return notes.length > 0 ? { notes } : {};
}

/**
 * The setpoints to send for planned slot averages `averagesKw` (per session id) when the plans are made in the stepped
 * taper form (`options.taperForm`): each plugged vehicle's average becomes the setpoint at which the physics draws it
 * (taper-setpoint.ts); unchanged otherwise (constant form, no taper in the physics, or no charge).
 */
export function steppedSetpoints(inputs: ReplayInputs, options: MpcOptions, plugged: readonly PluggedVehicle[], averagesKw: ReadonlyMap<string, number>): ReadonlyMap<string, number> {
  // One physics step a slot: the plan is in the constant form (charge-taper.ts `chargeTaperOf`), its power the setpoint.
  if (!options.taperAware || options.taperForm !== 'stepped' || !physicsHasTaper(inputs.physics) || inputs.physics.substepsPerSlot <= 1) return averagesKw;
  const out = new Map(averagesKw);
  const slotHours = inputs.slotMinutes / 60;
  for (const p of plugged) {
    const kw = averagesKw.get(p.session.id);
    if (kw !== undefined && kw > 0) out.set(p.session.id, setpointForAverageKw(p.energyKwh, p.session.capacityKwh, kw, chargerLimitKw(p.session.charger), slotHours, inputs.physics));
  }
  return out;
}

/** The rolling-horizon MPC with `options` (regularisers and demand-charge treatment: mpc-regularisers.ts). */
export function mpcController(inputs: ReplayInputs, solver: SolverSetup, options: MpcOptions, policy: PolicyName = 'mpc'): Controller {
  const backend = backendOf(solver, policy);
  if ((options.forecast || options.scenarios) && inputs.site.network !== undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', `The ${policy} policy cannot plan on a three-phase network`, [
      { path: '/site/network', message: 'the arrival forecast (or scenarios) plans phantom vehicles on no charger of the network; use mpc or mpc-events' },
    ]);
  }
  return {
    policy,
    ...mpcNotes(inputs, options),
    decide(atUtcMs, _slotIndex, plugged, previousPeakKw) {
      if (options.scenarios) return mpcScenarioDecision(inputs, backend, solver.options ?? {}, options, atUtcMs, plugged, previousPeakKw);
      const made = mpcPlanMade(inputs, backend, solver.options ?? {}, options, atUtcMs, plugged, previousPeakKw);
      const d = decisionFrom(made.plan);
      return { ...d, setpointsKw: steppedSetpoints(inputs, options, plugged, d.setpointsKw), ...(made.deliveryFirst ? { planMade: deliveryFirstResolved } : {}) };
    },
  };
}

/** A baseline of the optimizer in the rolling loop, within the site and network limits. */
export function baselineController(inputs: ReplayInputs, baseline: BaselineName, policy: PolicyName): Controller {
  return {
    policy,
    decide(atUtcMs, _slotIndex, plugged, previousPeakKw) {
      const assembled = assembleProblem(decisionAssemblyInput(inputs, atUtcMs, plugged, previousPeakKw));
      return decisionFrom(solveWithBaseline(assembled.problem, baseline));
    },
  };
}

/**
 * True uncontrolled charging: each plugged vehicle at its charger's full power (or what fills its target)
 * from arrival, ignoring the site import limit and the network; the KPIs count the violations.
 */
export function uncontrolledController(inputs: ReplayInputs): Controller {
  const efficiency = inputs.assumptions.chargeEfficiency;
  const slotHours = inputs.slotMinutes / 60;
  return {
    policy: 'uncontrolled',
    decide(_atUtcMs, _slotIndex, plugged) {
      const setpointsKw = new Map<string, number>();
      for (const p of plugged) {
        const gapKwh = p.session.targetEnergyKwh - p.energyKwh;
        if (gapKwh > 1e-9) setpointsKw.set(p.session.id, Math.min(chargerLimitKw(p.session.charger), gapKwh / (slotHours * efficiency)));
      }
      return { setpointsKw, status: 'feasible', message: 'uncontrolled: full power, site limits ignored', solverMs: 0 };
    },
  };
}
