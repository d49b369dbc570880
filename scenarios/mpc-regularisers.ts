/**
 * The MPC's regularisers and its demand-charge treatment (see scenarios/MPC.md for the why and the weights).
 *
 * Quick charge: vehicle v, plugged in for `n_v` more slots (to its believed departure, possibly beyond the
 * horizon), pays an extra `w x (t + 1) / n_v` per kWh charged in slot t of the decision (t = 0 is now), not
 * billed. Among plans of (nearly) equal cost this picks the one that charges earliest, and among vehicles
 * the one with the least time left first (its slope is steepest): the plan is unique and leaves the most
 * headroom for vehicles that have not arrived yet. `w` is a share of the mean absolute import price over
 * the horizon, so it is small against every real price difference for `robust` and dominant for `quick`.
 */
import { limits, problemDefaults, type Problem, type Vehicle } from '../optimizer/problem.ts';
import { acPowerKw } from '../optimizer/resolved-problem.ts';
import type { MpcVariant } from './policy-names.ts';

/** Quick-charge weight as a share of the horizon's mean absolute import price, per MPC variant. */
export const quickChargeShare: Readonly<Record<MpcVariant, number>> = {
  /** 1 %: a tie-breaker; at most 0.01 x the mean price per kWh, far below the TOU steps of real tariffs. */
  robust: 0.01,
  /** 10 x the mean price: delivering early outweighs energy price and peak, but not the shortfall penalty. */
  quick: 10,
  plain: 0,
};

/** The quick-charge weight (currency per kWh) for a problem: `share` x its mean absolute import price (at least 1e-6). */
export function quickChargeWeight(problem: Problem, share: number): number {
  const prices = problem.importPricePerKwh;
  const mean = prices.reduce((a, p) => a + Math.abs(p), 0) / Math.max(1, prices.length);
  return Math.min(limits.maxPricePerKwh, share * Math.max(mean, 1e-6));
}

/**
 * How the quick-charge slope ranks the vehicles: `deadline` (`w / n_v`, the fewest slots left first,
 * EDF-like) or `laxity` (`w / (1 + l_v)` with `l_v` the slots the vehicle can still sit idle and meet its
 * target at full power: the least laxity first, LLF-like; a vehicle that cannot make its target has
 * laxity 0). Measured in MPC.md.
 */
export type QuickChargeRank = 'deadline' | 'laxity';

/** The most vehicle `v` may charge (kW): its `maxChargeKw` (largest over slots) and AC limit; Infinity when neither. */
export function vehicleMaxChargeKw(v: Vehicle): number {
  const fixedKw = typeof v.maxChargeKw === 'number' ? v.maxChargeKw : v.maxChargeKw === undefined ? Infinity : Math.max(0, ...v.maxChargeKw);
  return Math.min(fixedKw, acPowerKw(v, v.acLimit?.maxCurrentA) ?? Infinity);
}

/** Slots vehicle `v` can sit idle before its departure and still reach its target at full power (>= 0). */
export function laxitySlots(v: Vehicle, slotHours: number): number {
  const maxKw = vehicleMaxChargeKw(v);
  const neededKwh = Math.max(0, v.targetEnergyKwh - v.energyKwh);
  const perSlotKwh = (Number.isFinite(maxKw) ? maxKw : 0) * slotHours * (v.chargeEfficiency ?? 0.95);
  const busy = perSlotKwh > 0 ? Math.ceil(neededKwh / perSlotKwh - 1e-9) : 0;
  return Math.max(0, v.departureSlot - v.arrivalSlot - busy);
}

/** `problem` with the quick-charge regulariser of `variant` (or of `shareOverride`) on every vehicle (unchanged at share 0), ranked by `rank`. */
export function withQuickCharge(problem: Problem, variant: MpcVariant, rank: QuickChargeRank = 'deadline', shareOverride?: number): Problem {
  const share = shareOverride ?? quickChargeShare[variant];
  if (share === 0) return problem;
  const w = quickChargeWeight(problem, share);
  const T = problem.slotCount;
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      const n = rank === 'deadline' ? Math.max(1, v.departureSlot - v.arrivalSlot) : 1 + laxitySlots(v, problem.slotHours);
      const preference = Array.from({ length: T }, (_, t) => (t >= v.arrivalSlot && t < v.departureSlot ? (w * (t - v.arrivalSlot + 1)) / n : 0));
      return { ...v, chargePreferencePerKwh: preference };
    }),
  };
}

/**
 * How the rolling horizon prices the billing period's peak: `full` (the monthly price per kW above the peak
 * already set, as the bill will) or `horizon-share` (that price times the share of the billing period's
 * remaining time the horizon covers, at least the horizon's own share). Chosen by measurement: MPC.md.
 */
export type DemandChargeTreatment = 'full' | 'horizon-share';

/** The factor applied to the demand charge's price per kW at a decision at `nowUtcMs`. */
export function demandChargeFactor(treatment: DemandChargeTreatment, nowUtcMs: number, horizonEndUtcMs: number, billingEndUtcMs: number): number {
  if (treatment === 'full') return 1;
  const left = billingEndUtcMs - nowUtcMs;
  return left <= 0 ? 1 : Math.min(1, (horizonEndUtcMs - nowUtcMs) / left);
}

/**
 * Late-charge guard: `problem` with an extra charge preference on each vehicle's last `tailSlots` slots before
 * its believed departure (those inside the horizon): the horizon's import price spread plus the largest charge
 * preference already set (the quick-charge slope) plus 1e-4, capped at `limits.maxPricePerKwh`, so energy planned
 * in a stay's tail costs the solver more than the same energy in any earlier slot of the stay. Not billed (a
 * regulariser). Why: a plan that defers a vehicle's last kWh past a price step into the final slots of its stay
 * relies on capacity there that a car not yet seen may take (a line or pod limit of the network, the site limit),
 * and nothing can be caught up after the departure (scenarios/MPC.md, "Late-charge guard"). The premium is a price
 * spread: on tariffs whose shortfall penalty and demand charge are far above it, the plan still charges in the
 * tail when the earlier slots have no room, rather than leave a vehicle short or raise the peak.
 */
export function withLateChargeGuard(problem: Problem, tailSlots: number): Problem {
  if (tailSlots <= 0) return problem;
  const prices = problem.importPricePerKwh;
  const spread = Math.max(...prices) - Math.min(...prices);
  // Math.max(0, every vehicle's preferences), without spreading a vehicles x slots array into arguments.
  let quickMax = 0;
  for (const v of problem.vehicles) for (const p of v.chargePreferencePerKwh ?? []) quickMax = Math.max(quickMax, p);
  const premium = Math.min(limits.maxPricePerKwh, spread + quickMax + 1e-4);
  const T = problem.slotCount;
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      const from = Math.max(v.arrivalSlot, v.departureSlot - tailSlots);
      if (from >= T) return v;
      const base = v.chargePreferencePerKwh ?? new Array<number>(T).fill(0);
      const preference = base.map((p, t) => (t >= from && t < v.departureSlot ? Math.min(limits.maxPricePerKwh, p + premium) : p));
      return { ...v, chargePreferencePerKwh: preference };
    }),
  };
}

/**
 * Late-charge margin: `problem` with a further charge preference on each vehicle's last `marginSlots` slots before
 * its believed departure (those inside the horizon), on top of the guard's: `riskShare` x the shortfall penalty per
 * kWh (capped at `limits.maxPricePerKwh`). It prices the risk the guard does not: a vehicle whose plan needs full
 * power up to its departure (zero laxity) loses energy to any car that arrives unforeseen on its line, pod or site
 * limit and takes a share of it in those minutes, and nothing can be caught up after the departure; `riskShare` is
 * the assumed chance of that per kWh left there. Unlike the guard's price-spread premium this one is worth raising
 * the billing peak for where the stay has enough earlier slots to spread the kWh over (`pricePerKw / premium` hours
 * or more), so the plan keeps `marginSlots` of laxity whenever it can (scenarios/MPC.md, "Late-charge margin").
 * Left out:
 * - on a site with no shared limit (no `network`, no `importLimitKw` below `limits.maxPowerKw`): no arriving car can take a plugged
 *   car's power;
 * - for a vehicle whose whole remaining stay lies in its margin: there the premium would only make its energy dearer
 *   than another vehicle's, i.e. serve it last when the limit binds, the opposite of what a leaving car needs.
 */
export function withLateChargeMargin(problem: Problem, marginSlots: number, riskShare: number): Problem {
  if (marginSlots <= 0 || riskShare <= 0 || !hasSharedLimit(problem)) return problem;
  const penalty = problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh;
  const premium = Math.min(limits.maxPricePerKwh, riskShare * penalty);
  const T = problem.slotCount;
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      const from = v.departureSlot - marginSlots;
      if (from <= v.arrivalSlot || from >= T) return v;
      const base = v.chargePreferencePerKwh ?? new Array<number>(T).fill(0);
      const preference = base.map((p, t) => (t >= from && t < v.departureSlot ? Math.min(limits.maxPricePerKwh, p + premium) : p));
      return { ...v, chargePreferencePerKwh: preference };
    }),
  };
}

/** The late-charge margin of an MPC's options: the last `minutes` of each stay, priced at `riskShare` x the shortfall penalty per kWh. */
export interface LateChargeMargin {
  readonly minutes: number;
  readonly riskShare: number;
}

/** `withLateChargeMargin` for `margin` (unchanged when absent) at `slotMinutes` a slot (the margin rounded up to whole slots). */
export function withLateChargeMarginOf(problem: Problem, margin: LateChargeMargin | undefined, slotMinutes: number): Problem {
  if (margin === undefined) return problem;
  return withLateChargeMargin(problem, Math.ceil(margin.minutes / slotMinutes - 1e-9), margin.riskShare);
}

/**
 * Delivery first under congestion: when a plan of the MPC leaves the site import limit used up in some slot of its
 * horizon, the capacity, not the price, decides how much is delivered, and energy the plan defers to later, cheaper
 * slots competes there with cars not yet seen. The decision is then solved again with this quick-charge share and
 * rank (mpc-regularisers.ts `withQuickCharge`): the plan charges as early as the limits let it (work-conserving, the
 * least laxity first with `rank: 'laxity'`: LLF's order, with the plan's knowledge of the plugged stays). Where the
 * limit does not bind the plan is the cost-minimising one, unchanged (scenarios/MPC.md, "Delivery first under
 * congestion").
 */
export interface CongestionDelivery {
  /** The quick-charge weight of the second solve, as a share of the horizon's mean import price (`quickChargeWeight`). */
  readonly quickChargeShare: number;
  /** How the second solve's quick charge ranks the vehicles. */
  readonly rank: QuickChargeRank;
  /** Also when the billing period's peak already set has reached the site limit (the limit, not the demand charge, caps the import). */
  readonly sunkPeak?: boolean;
}

/** A slot's import this close to its limit (kW) counts as the limit used up. */
export const bindingImportToleranceKw = 1e-4;

/**
 * Whether `importKw` (a plan's site import per slot, kW) reaches the problem's finite site import limit (below
 * `limits.maxPowerKw`) within `bindingImportToleranceKw` in some slot.
 */
export function siteLimitBinds(problem: Problem, importKw: readonly number[], carriedPeakKw = 0): boolean {
  const limitKw = problem.importLimitKw;
  if (limitKw === undefined) return false;
  return importKw.some((kw, t) => {
    const cap = limitKw[t];
    return cap !== undefined && cap < limits.maxPowerKw && Math.max(kw, carriedPeakKw) >= cap - bindingImportToleranceKw;
  });
}

/**
 * Whether `siteLimitBinds(problem, importKw, carriedPeakKw)` holds for every plan of `problem` (any `importKw` of its
 * `slotCount` slots): the carried peak (>= 0) alone reaches a finite site limit in some slot, since
 * `max(kw, carriedPeakKw) >= carriedPeakKw` whatever `kw` is. Then the cost-minimising plan's only use (to see whether
 * the limit binds) is known before it is solved (policies.ts `mpcPlan` skips that solve; test/scenarios/mpc-regularisers.test.ts).
 */
export function siteLimitBindsForEveryPlan(problem: Problem, carriedPeakKw: number): boolean {
  const limitKw = problem.importLimitKw;
  if (limitKw === undefined || !(carriedPeakKw >= 0)) return false;
  for (let t = 0; t < problem.slotCount; t++) {
    const cap = limitKw[t];
    if (cap !== undefined && cap < limits.maxPowerKw && carriedPeakKw >= cap - bindingImportToleranceKw) return true;
  }
  return false;
}

/** The short label of a run planned with delivery first under congestion (a sweep row's solver column). */
export const congestionDeliveryLabel = 'delivery first under congestion';

/** The note every output of a run planned with delivery first under congestion carries. */
export function congestionDeliveryNote(c: CongestionDelivery): string {
  return `${congestionDeliveryLabel} on: a decision whose cost-minimising plan uses up the site import limit in some slot${c.sunkPeak === true ? ' (or whose billing peak already reached it)' : ''} is solved again with quick-charge share ${c.quickChargeShare} ranked by ${c.rank} (a regulariser, not billed), so the plan charges as early as the limits allow`;
}

/** `Decision.planMade` of a decision whose plan was solved again delivery first under congestion (this decision's solve). */
export const deliveryFirstResolved = 'delivery-first re-solve';

/** `Decision.planMade` of an `mpc-events` decision that follows a plan re-solved delivery first at an earlier decision. */
export const deliveryFirstFollowed = 'delivery-first plan followed';

/** Whether a run note is `congestionDeliveryNote`'s. */
export function isCongestionDeliveryNote(note: string): boolean {
  return note.startsWith(`${congestionDeliveryLabel} on:`);
}

/** Whether an arriving car could take power from a plugged one: the problem has a network or a finite site import limit. */
export function hasSharedLimit(problem: Problem): boolean {
  if (problem.network !== undefined) return true;
  return problem.importLimitKw !== undefined && problem.importLimitKw.some((kw) => kw < limits.maxPowerKw);
}

/** The short label of a run planned with the late-charge margin (a sweep row's solver column). */
export const lateChargeMarginLabel = 'late-charge margin';

/** The note every output of a run planned with the late-charge margin carries. */
export function lateChargeMarginNote(minutes: number, riskShare: number): string {
  return `${lateChargeMarginLabel} on: each stay's last ${minutes} min cost the planner ${riskShare} x the shortfall penalty more per kWh (a regulariser, not billed), so a plan keeps that much laxity where it can, at the price of a higher peak if need be`;
}

/** The short label of a run planned with the late-charge guard (e.g. a sweep row's solver column). */
export const lateChargeGuardLabel = 'late-charge guard';

/** The note every output of a run planned with the late-charge guard over `hours` carries. */
export function lateChargeGuardNote(hours: number): string {
  return `${lateChargeGuardLabel} on: each stay's last ${hours} h cost the planner the horizon's price spread more per kWh (a regulariser, not billed), so no vehicle's last kWh waits there for a cheaper price`;
}

/** Whether a run note is `lateChargeGuardNote`'s. */
export function isLateChargeGuardNote(note: string): boolean {
  return note.startsWith(`${lateChargeGuardLabel} on:`);
}

/** Whether a run note is `lateChargeMarginNote`'s. */
export function isLateChargeMarginNote(note: string): boolean {
  return note.startsWith(`${lateChargeMarginLabel} on:`);
}
