/**
 * A billing-peak estimate for the rolling horizon (issue 13): the peak the billing period will reach anyway,
 * learnt from the replay's history before its period (never from the period itself), used by the MPC as a floor
 * of the peak a decision pays for (below it the import is free of demand charge, as it is below a peak already
 * set). Why: a decision early in the billing period sees only the cars plugged now; holding the import below a
 * peak the rest of the period will reach anyway buys nothing on the bill and leaves capacity unused that cars not
 * yet seen may need (scenarios/MPC.md, "Billing-peak estimate").
 *
 * The estimate of one local day of history is a lower bound of the peak **every** schedule of that day's sessions
 * needs: for each window [a, b) between an arrival and a departure of the day, the grid-side energy of the
 * sessions that arrive and leave inside it, divided by its length. The estimate is a quantile of those bounds
 * over the history's days (the median by default): a peak a typical day forces on any policy.
 */
import { offsetMs } from '../grid/zone.ts';
import { limits, type Problem } from '../optimizer/problem.ts';
import type { DemandChargeTreatment } from './mpc-regularisers.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { ReplaySession } from './replay-session.ts';

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/**
 * How a decision uses the estimate:
 * - `estimate`: the floor is the estimate, at most the most the site can import in the billing period's slots
 *   of the horizon (its import limit, its capacity);
 * - `limit-when-reached`: the floor is that most only when the estimate reaches it (the limit, not the demand
 *   charge, will cap the import this period), else no floor.
 */
export type PeakFloorForm = 'estimate' | 'limit-when-reached';

/** How the MPC learns and uses its billing-peak floor (`MpcOptions.peakEstimate`). */
export interface PeakEstimateRule {
  readonly form: PeakFloorForm;
  /** The quantile over the history's days (0..1). */
  readonly quantile: number;
  /**
   * The demand-charge treatment of a replay whose estimate gives no floor (0 kW: no history, or too few days with a
   * session), instead of the MPC's own (demand-charge-without-floor.ts); absent = the MPC's own.
   */
  readonly withoutFloor?: DemandChargeTreatment;
}

/** A learnt billing-peak floor. */
export interface PeakEstimate {
  readonly form: PeakFloorForm;
  /** The estimated peak (kW, grid side) the billing period reaches anyway. */
  readonly estimateKw: number;
  /** The quantile over the history's days it is (0..1). */
  readonly quantile: number;
  /** The days of history it was learnt from. */
  readonly days: number;
  /** The history's sessions it was learnt from (0: no history, so no floor). */
  readonly sessions: number;
}

/**
 * The lowest peak (kW, grid side) every schedule of `sessions` needs: the largest energy of sessions that arrive
 * and leave inside a window [arrival, departure), divided by the window's hours. 0 when there is nothing to deliver.
 * `chargeEfficiency` turns the energy into the battery into grid-side energy.
 */
export function windowPeakLowerBoundKw(sessions: readonly ReplaySession[], chargeEfficiency: number): number {
  const starts = [...new Set(sessions.map((s) => s.arrivalUtcMs))].sort((a, b) => a - b);
  const ends = [...new Set(sessions.map((s) => s.departureUtcMs))].sort((a, b) => a - b);
  let best = 0;
  for (const a of starts) {
    for (const b of ends) {
      if (b <= a) continue;
      let energyKwh = 0;
      for (const s of sessions) if (s.arrivalUtcMs >= a && s.departureUtcMs <= b) energyKwh += Math.max(0, s.demandKwh);
      best = Math.max(best, energyKwh / Math.max(chargeEfficiency, 1e-9) / ((b - a) / hourMs));
    }
  }
  return best;
}

/** The `q` quantile (0..1, nearest rank from below) of `values`; 0 when empty. */
export function lowerQuantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

/**
 * The estimate from the history's sessions arriving in [fromUtcMs, toUtcMs): per local day (`zone`) of that span,
 * `windowPeakLowerBoundKw` of the sessions arriving that day (0 for a day without one), then the `quantile` over the days.
 */
export function historyPeakEstimate(
  history: { readonly sessions: readonly ReplaySession[]; readonly fromUtcMs: number; readonly toUtcMs: number },
  zone: string,
  chargeEfficiency: number,
  form: PeakFloorForm,
  quantile = 0.5,
): PeakEstimate {
  const localDay = (utcMs: number) => Math.floor((utcMs + offsetMs(utcMs, zone)) / dayMs);
  const byDay = new Map<number, ReplaySession[]>();
  for (let d = localDay(history.fromUtcMs); d <= localDay(history.toUtcMs - 1); d++) byDay.set(d, []);
  let sessions = 0;
  for (const s of history.sessions) {
    if (s.arrivalUtcMs < history.fromUtcMs || s.arrivalUtcMs >= history.toUtcMs) continue;
    byDay.get(localDay(s.arrivalUtcMs))?.push(s);
    sessions++;
  }
  const bounds = [...byDay.values()].map((day) => windowPeakLowerBoundKw(day, chargeEfficiency));
  return { form, estimateKw: lowerQuantile(bounds, quantile), quantile, days: bounds.length, sessions };
}

/** The estimate of a replay, learnt from its `arrivalHistory` (the days before its period, load-replay-inputs.ts). */
export function peakEstimateFromHistory(inputs: ReplayInputs, form: PeakFloorForm, quantile = 0.5): PeakEstimate {
  const h = inputs.arrivalHistory;
  return historyPeakEstimate({ ...h, toUtcMs: Math.min(h.toUtcMs, inputs.periodStartUtcMs) }, inputs.site.zone, inputs.assumptions.chargeEfficiency, form, quantile);
}

const learnt = new WeakMap<ReplayInputs, Map<string, PeakEstimate>>();

/** `peakEstimateFromHistory` for `rule`, learnt once per replay's inputs (every decision of a replay asks for it). */
export function peakEstimateOf(inputs: ReplayInputs, rule: PeakEstimateRule): PeakEstimate {
  const key = `${rule.form}/${rule.quantile}`;
  let byRule = learnt.get(inputs);
  if (byRule === undefined) learnt.set(inputs, (byRule = new Map()));
  let e = byRule.get(key);
  if (e === undefined) byRule.set(key, (e = peakEstimateFromHistory(inputs, rule.form, rule.quantile)));
  return e;
}

/**
 * The most the site can import in the slots of `problem` that its demand charge bills (kW): the largest import
 * limit there, at most `capacityKw` (the site's capacity, e.g. a network transformer's rating). 0 without a demand charge.
 */
export function billedImportCapKw(problem: Problem, capacityKw: number): number {
  const dc = problem.demandCharge;
  if (dc === undefined) return 0;
  let cap = 0;
  for (let t = 0; t < problem.slotCount; t++) {
    if (dc.appliesToSlot !== undefined && dc.appliesToSlot[t] !== true) continue;
    cap = Math.max(cap, Math.min(problem.importLimitKw?.[t] ?? limits.maxPowerKw, capacityKw));
  }
  return cap;
}

/** The floor (kW) a decision on `problem` plans the billing peak from, by `estimate`'s form (0 = none). */
export function peakFloorKw(estimate: PeakEstimate, problem: Problem, capacityKw: number): number {
  const cap = billedImportCapKw(problem, capacityKw);
  if (estimate.form === 'estimate') return Math.min(estimate.estimateKw, cap);
  return estimate.estimateKw >= cap - 1e-9 ? cap : 0;
}

/**
 * `problem` with its demand charge's carried peak raised to `floorKw` (unchanged without a demand charge or when
 * the carried peak is at least that): the decision pays only for import above the floor.
 */
export function withPeakFloor(problem: Problem, floorKw: number): Problem {
  const dc = problem.demandCharge;
  if (dc === undefined || floorKw <= (dc.previousPeakKw ?? 0)) return problem;
  return { ...problem, demandCharge: { ...dc, previousPeakKw: floorKw } };
}

/** The short label of a run planned with a billing-peak floor (a sweep row's solver column). */
export const peakEstimateLabel = 'billing-peak estimate';

/** Whether a run note is `peakEstimateNote`'s. */
export function isPeakEstimateNote(note: string): boolean {
  return note.startsWith(`${peakEstimateLabel} on:`);
}

/** The note every output of a run planned with a billing-peak floor carries. */
export function peakEstimateNote(e: PeakEstimate): string {
  if (e.sessions === 0) return `${peakEstimateLabel} on: no session in the ${e.days} days of history before the period, so no floor (each decision plans the billing peak from the peak already set)`;
  const how = e.form === 'estimate' ? 'planned as a floor of the billing peak (at most the site limit)' : 'the site limit planned as the billing peak when the estimate reaches it';
  return `${peakEstimateLabel} on: ${e.estimateKw.toFixed(2)} kW (the ${e.quantile} quantile over ${e.days} days of history, ${e.sessions} sessions, of the peak every schedule of the day's sessions needs), ${how}`;
}
