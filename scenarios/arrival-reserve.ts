/**
 * An arrival reserve for the MPC: headroom under the billing peak kept for cars not yet seen, as a *soft*
 * preference that never raises the peak on its own (scenarios/MPC.md, "Session 7").
 *
 * What sets the MPC's billing peak on the Caltech week is a car that needs full power for its whole stay
 * arriving while earlier cars still need full power. The offline reference, knowing the arrival, charged the
 * earlier cars first. The reserve asks each decision to plan the plugged cars so that, in every future slot t,
 * `reserveKw[t]` of the capacity under the peak stays free for arrivals:
 *
 * - **How much** (`reserveProfileKw`): for a decision at local time n, slot t at local time n + t, the
 *   `quantile` over the history's days of the same day class (weekday / weekend) of the kW the cars arriving
 *   in (n, n + t] and still plugged at n + t need if charged flat over their stay (demand / (efficiency x
 *   stay), at most the charger's power). Learnt from `arrivalHistory` (the days before the period, never the
 *   period itself).
 * - **How it enters the LP** (`reserveVehicles`): one phantom per future slot t >= 1, plugged only in slot t,
 *   charging at most `reserveKw[t]`. Its target is worth exactly `valuePerKwh` per kWh of grid energy it
 *   gets: its charge efficiency `eta` makes its shortfall worth `V = eta x penalty` per grid kWh, and its
 *   charge preference `V - valuePerKwh - price[t]` (a regulariser, not billed) cancels its energy price and
 *   all but `valuePerKwh` of that. So the LP keeps the reserve free whenever moving a plugged car's energy
 *   elsewhere under the peak costs less than `valuePerKwh` per kWh, and gives it up (the phantom short, which
 *   is no real shortfall) otherwise. Raising the peak by 1 kW buys at most `valuePerKwh x hours of the
 *   horizon` of reserve, which stays below the demand charge's price per kW for the values used: the reserve
 *   steers which cars use the capacity under the peak, and when, rather than planning a higher peak.
 *
 * Reserve phantoms are never applied (policies.ts drops every `forecast:` id) and their shortfall is never a
 * vehicle's: a decision whose reserve cannot be kept is still a feasible plan, with the phantoms short and
 * the reason reported by the optimizer.
 */
import type { Plan } from '../optimizer/plan.ts';
import { limits, problemDefaults, type Problem, type Vehicle } from '../optimizer/problem.ts';
import { offsetMs } from '../grid/zone.ts';
import { phantomIdPrefix } from './arrival-forecast.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { chargerLimitKw, type ReplaySession } from './replay-session.ts';

const dayMs = 86_400_000;
const minuteMs = 60_000;

/** Prefix of a reserve phantom's id (a `forecast:` id: never applied, never a session id). */
export const reservePhantomPrefix = `${phantomIdPrefix}reserve:`;

/** How the reserve is learnt and valued. */
export interface ArrivalReserveOptions {
  /** Quantile (0..1) over the history's days of the kW the arrivals need at each time (1 = the busiest day). */
  readonly quantile: number;
  /** What a kWh of reserve kept free is worth to the plan (site currency per kWh of grid energy), > 0. */
  readonly valuePerKwh: number;
}

/** The history a reserve is learnt from: sessions that arrived in [fromUtcMs, toUtcMs) (before the period). */
export interface ArrivalReserve {
  readonly zone: string;
  readonly fromUtcMs: number;
  readonly toUtcMs: number;
  /** The history's sessions as arrival / departure (UTC ms) and the flat power they need (kW), by arrival. */
  readonly arrivals: readonly { readonly arrivalUtcMs: number; readonly departureUtcMs: number; readonly flatKw: number }[];
  readonly options: ArrivalReserveOptions;
}

/** A clear error for bad reserve options (`V2G_ERR_RESERVE_OPTIONS`, naming the field). */
export class ArrivalReserveError extends Error {
  readonly code = 'V2G_ERR_RESERVE_OPTIONS';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The flat power (kW) a session needs over its whole stay to meet its demand, at most its charger's power. */
export function flatPowerKw(s: ReplaySession, chargeEfficiency: number): number {
  const stayHours = (s.departureUtcMs - s.arrivalUtcMs) / 3_600_000;
  if (stayHours <= 0 || s.demandKwh <= 0) return 0;
  return Math.min(chargerLimitKw(s.charger), s.demandKwh / (chargeEfficiency * stayHours));
}

/** The reserve learnt from `history` (sessions arriving in [fromUtcMs, toUtcMs): the caller keeps it before the period). */
export function learnArrivalReserve(history: readonly ReplaySession[], zone: string, fromUtcMs: number, toUtcMs: number, chargeEfficiency: number, options: ArrivalReserveOptions): ArrivalReserve {
  if (!(options.quantile >= 0 && options.quantile <= 1)) throw new ArrivalReserveError('quantile', `${options.quantile} is not in [0, 1]`);
  if (!(options.valuePerKwh > 0 && options.valuePerKwh <= limits.maxPricePerKwh)) {
    throw new ArrivalReserveError('valuePerKwh', `${options.valuePerKwh} is not a price in (0, ${limits.maxPricePerKwh}]`);
  }
  const arrivals = history
    .filter((s) => s.arrivalUtcMs >= fromUtcMs && s.arrivalUtcMs < toUtcMs)
    .map((s) => ({ arrivalUtcMs: s.arrivalUtcMs, departureUtcMs: s.departureUtcMs, flatKw: flatPowerKw(s, chargeEfficiency) }))
    .filter((a) => a.flatKw > 0)
    .sort((a, b) => a.arrivalUtcMs - b.arrivalUtcMs);
  return { zone, fromUtcMs, toUtcMs, arrivals, options };
}

/** The reserve of a replay, learnt from its `arrivalHistory` (the days before its period). */
export function reserveFromHistory(inputs: ReplayInputs, options: ArrivalReserveOptions): ArrivalReserve {
  const h = inputs.arrivalHistory;
  return learnArrivalReserve(h.sessions, inputs.site.zone, h.fromUtcMs, Math.min(h.toUtcMs, inputs.periodStartUtcMs), inputs.assumptions.chargeEfficiency, options);
}

const isWeekend = (localClockMs: number) => {
  const dow = new Date(localClockMs).getUTCDay();
  return dow === 0 || dow === 6;
};

/** The q-quantile of `xs` (nearest rank from below; 0 for none). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The reserve (kW) per slot of a decision from `horizonStartUtcMs` (`slotCount` slots of `slotMinutes`): slot 0
 * is 0 (the cars of slot 0 are the ones plugged in now); slot t is the `quantile` over the history's days of the
 * decision's day class of the flat kW of that day's cars arriving after the decision's time of day and still
 * plugged at slot t's time of day. Days whose window is not wholly inside the history are left out.
 */
export function reserveProfileKw(reserve: ArrivalReserve, horizonStartUtcMs: number, slotMinutes: number, slotCount: number): number[] {
  const slotMs = slotMinutes * minuteMs;
  const out = new Array<number>(slotCount).fill(0);
  if (slotCount <= 1) return out;
  const nowLocal = horizonStartUtcMs + offsetMs(horizonStartUtcMs, reserve.zone);
  const todMs = nowLocal - Math.floor(nowLocal / dayMs) * dayMs;
  const weekend = isWeekend(nowLocal);
  const perDay: number[][] = [];
  const firstDay = Math.floor((reserve.fromUtcMs + offsetMs(reserve.fromUtcMs, reserve.zone)) / dayMs) * dayMs;
  for (let day = firstDay; day < reserve.toUtcMs + dayMs; day += dayMs) {
    if (isWeekend(day) !== weekend) continue;
    const startLocal = day + todMs;
    const startUtc = startLocal - offsetMs(startLocal, reserve.zone);
    const endUtc = startUtc + slotCount * slotMs;
    if (startUtc < reserve.fromUtcMs || endUtc > reserve.toUtcMs) continue;
    const diff = new Array<number>(slotCount + 1).fill(0);
    for (const a of reserve.arrivals) {
      if (a.arrivalUtcMs <= startUtc) continue;
      if (a.arrivalUtcMs >= endUtc) break;
      const from = Math.ceil((a.arrivalUtcMs - startUtc) / slotMs);
      const to = Math.min(slotCount, Math.ceil((a.departureUtcMs - startUtc) / slotMs));
      if (from >= to) continue;
      diff[from]! += a.flatKw;
      diff[to]! -= a.flatKw;
    }
    const profile = new Array<number>(slotCount).fill(0);
    let level = 0;
    for (let t = 0; t < slotCount; t++) profile[t] = level += diff[t]!;
    perDay.push(profile);
  }
  for (let t = 1; t < slotCount; t++) {
    out[t] = Math.max(0, quantile(perDay.map((p) => p[t]!), reserve.options.quantile));
  }
  return out;
}

/**
 * The reserve phantoms of a decision problem: one per slot t >= 1 with `reserveKw[t] > 0`, plugged in slot t
 * only, worth `valuePerKwh` per kWh of grid energy it is given (see the file's comment). The problem's own
 * vehicles, limits and prices are untouched.
 */
export function reserveVehicles(problem: Problem, reserveKw: readonly number[], valuePerKwh: number): Vehicle[] {
  const penalty = problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh;
  const prices = problem.importPricePerKwh;
  const maxPrice = Math.max(0, ...prices);
  const minPrice = Math.min(0, ...prices);
  // V = eta x penalty must cover the value and the dearest price; the preference V - value - price stays within its bound.
  const eta = Math.min(1, Math.max(limits.minEfficiency, (valuePerKwh + maxPrice + 1e-6) / penalty));
  const worth = eta * penalty;
  const out: Vehicle[] = [];
  if (worth - valuePerKwh - minPrice > limits.maxPricePerKwh || worth < valuePerKwh + maxPrice) return out;
  for (let t = 1; t < problem.slotCount; t++) {
    const kw = Math.min(limits.maxPowerKw, reserveKw[t] ?? 0);
    if (!(kw > 1e-9)) continue;
    const energyKwh = eta * kw * problem.slotHours;
    const preference = new Array<number>(problem.slotCount).fill(0);
    preference[t] = Math.max(0, worth - valuePerKwh - prices[t]!);
    out.push({
      id: `${reservePhantomPrefix}${t}`,
      chargerId: `${reservePhantomPrefix}${t}`,
      arrivalSlot: t,
      departureSlot: t + 1,
      energyKwh: 0,
      capacityKwh: Math.min(limits.maxEnergyKwh, Math.max(energyKwh, 1e-3)),
      targetEnergyKwh: Math.min(limits.maxEnergyKwh, energyKwh),
      maxChargeKw: kw,
      chargeEfficiency: eta,
      chargePreferencePerKwh: preference,
    });
  }
  return out;
}

/** `problem` (a decision from `horizonStartUtcMs`) with the reserve's phantoms after its vehicles. */
export function withArrivalReserve(problem: Problem, reserve: ArrivalReserve, horizonStartUtcMs: number, slotMinutes: number): Problem {
  const kw = reserveProfileKw(reserve, horizonStartUtcMs, slotMinutes, problem.slotCount);
  const phantoms = reserveVehicles(problem, kw, reserve.options.valuePerKwh);
  return phantoms.length === 0 ? problem : { ...problem, vehicles: [...problem.vehicles, ...phantoms] };
}

/**
 * Solves `problem` with the reserve's phantoms (`solve` is the caller's solver). When the optimizer returns a
 * baseline or the idle plan instead of its own (it compares candidates by their billed objective, in which a
 * reserve phantom left short counts at the shortfall penalty rather than at its value, so a baseline that
 * charges the phantoms looks cheaper), the reserve is dropped for this decision: the problem is solved again
 * without it, and the plan's message says so.
 */
export function solveWithArrivalReserve(problem: Problem, reserve: ArrivalReserve, horizonStartUtcMs: number, slotMinutes: number, solve: (p: Problem) => Plan): Plan {
  const reserved = withArrivalReserve(problem, reserve, horizonStartUtcMs, slotMinutes);
  if (reserved === problem) return solve(problem);
  const plan = solve(reserved);
  const source = plan.origin?.source;
  if (source !== 'baseline' && source !== 'idle') return plan;
  const plain = solve(problem);
  const why = `arrival reserve dropped for this decision: with it the optimizer returned ${source === 'idle' ? 'the idle plan' : `the ${plan.origin?.baseline ?? ''} baseline`.replace('  ', ' ')} (its billed objective counts the reserve at the shortfall penalty)`;
  return { ...plain, message: plain.message ? `${why}; ${plain.message}` : why };
}

/** The run note of an MPC with `reserve`: what it keeps, and where it was learnt. */
export function arrivalReserveNote(reserve: ArrivalReserve): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `arrival reserve: headroom under the peak for arrivals at quantile ${reserve.options.quantile} of the history's days, worth ${reserve.options.valuePerKwh} per kWh, learnt from ${reserve.arrivals.length} session(s) arriving ${day(reserve.fromUtcMs)} to ${day(reserve.toUtcMs)} (before the period)`;
}
