/**
 * The network's shared rows of the LP: each magnitude limit |sum_v k_v (c_v - x_v)| <= L becomes linear rows
 * over the vehicles' charge and discharge columns (polygon.ts). Rows are templates over vehicles, the same
 * in every slot; lazy-rows.ts puts a (slot, template) row into the model only once a solution breaks it.
 * The decomposition can price these rows per slot like the site limit.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { covering, sidesForLoss } from './polygon.ts';
import type { ResolvedNetwork } from './resolved-network.ts';

/** One linear row over vehicles' net power: lower <= sum_k coefficients[k] x p[vehicles[k]] <= upper. */
export interface SharedRowTemplate {
  /** e.g. `transformer secondary line a @ 15 deg`. */
  readonly name: string;
  /** Index of the limit it holds (ResolvedNetwork.limits). */
  readonly limit: number;
  readonly vehicles: Int32Array;
  /** A per kW of net power along the row's direction. */
  readonly coefficients: Float64Array;
  /** -upper for a two-sided row, else -Infinity. */
  readonly lower: number;
  readonly upper: number;
  /** The limit the row holds (A): `upper` is this times the polygon's bound factor. */
  readonly limitA: number;
}

/** The network's rows in a built LP and how far each sits inside its limit (A): what the polygon gives up. */
export interface NetworkRowSet {
  readonly rows: Int32Array;
  readonly slackA: Float64Array;
}

/** Coefficients this close (relative to the largest) are one when rows are compared for duplicates. */
const keyDigits = 9;

function rowKey(t: SharedRowTemplate): string {
  let largest = 0;
  for (const c of t.coefficients) largest = Math.max(largest, Math.abs(c));
  let scaleBy = 1 / largest;
  if (t.lower !== -Infinity) {
    // A two-sided row and its negation are one row: make the first non-zero coefficient positive.
    if ((t.coefficients.find((c) => c !== 0) ?? 1) < 0) scaleBy = -scaleBy;
  }
  const parts = Array.from(t.vehicles, (v, k) => `${v}:${(t.coefficients[k]! * scaleBy).toPrecision(keyDigits)}`);
  return `${t.lower === -Infinity ? 1 : 2}|${(t.upper / largest).toPrecision(keyDigits)}|${parts.join(',')}`;
}

/** Whether vehicle i may charge (discharge) in some slot: its coefficient (negated) spans the cone. */
function directions(rp: ResolvedProblem, i: number): { charges: boolean; discharges: boolean } {
  const v = rp.vehicles[i]!;
  return { charges: v.maxChargeKw.some((x) => x > 0), discharges: v.maxDischargeKw.some((x) => x > 0) };
}

/** The row templates of a resolved network, duplicates (the two lines of a one-line-pair breaker) dropped. */
export function magnitudeRowTemplates(rp: ResolvedProblem, network: ResolvedNetwork): SharedRowTemplate[] {
  const sides = sidesForLoss(network.maxLossFraction);
  const modes = rp.vehicles.map((_, i) => directions(rp, i));
  const out: SharedRowTemplate[] = [];
  const seen = new Set<string>();
  network.limits.forEach((limit, index) => {
    const angles: number[] = [];
    limit.vehicles.forEach((v, k) => {
      const a = Math.atan2(limit.im[k]!, limit.re[k]!);
      if (modes[v]!.charges) angles.push(a);
      if (modes[v]!.discharges) angles.push(a + Math.PI);
    });
    const cover = covering(angles, sides);
    const upper = limit.limitA * cover.boundFactor;
    for (const theta of cover.directionsRad) {
      const cos = Math.cos(theta);
      const sin = Math.sin(theta);
      const coefficients = Float64Array.from(limit.vehicles, (_, k) => limit.re[k]! * cos + limit.im[k]! * sin);
      const keep = coefficients.map((c) => (Math.abs(c) > 1e-12 ? 1 : 0));
      const row: SharedRowTemplate = {
        name: `${limit.name} @ ${Number(((theta * 180) / Math.PI).toFixed(3))} deg`,
        limit: index,
        vehicles: limit.vehicles.filter((_, k) => keep[k] === 1),
        coefficients: coefficients.filter((_, k) => keep[k] === 1),
        lower: cover.twoSided ? -upper : -Infinity,
        upper,
        limitA: limit.limitA,
      };
      if (row.vehicles.length === 0) continue;
      const key = rowKey(row);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(row);
    }
  });
  return out;
}

/**
 * How much lower than the LP's objective the exact problem's optimum can be: the polygon's rows sit inside
 * their limits, and by LP duality relaxing row r by its slack lowers the optimum by at most |dual_r| x slack_r.
 * So `objective - gap` is a lower bound of the LP with the exact magnitudes' outer polygon (the rows at
 * their limits), hence of the exact problem. 0 when no row gives anything up; undefined when some row
 * does but the backend gave no duals.
 */
export function innerApproximationGap(set: NetworkRowSet | undefined, rowDual: ArrayLike<number> | undefined): number | undefined {
  if (set === undefined) return 0;
  let gap = 0;
  for (let k = 0; k < set.rows.length; k++) {
    if (set.slackA[k]! <= 0) continue;
    if (rowDual === undefined) return undefined;
    gap += Math.abs(rowDual[set.rows[k]!]!) * set.slackA[k]!;
  }
  return gap;
}

/** An answer's status and message as the solve loop keeps them. */
interface Noted {
  readonly status: 'optimal' | 'feasible' | 'timed_out' | 'error';
  readonly message?: string;
}

/**
 * Says in an answer that the network's current magnitudes were held by the LP's inner polygon, where that
 * may have cost something: an `optimal` answer becomes `feasible` (optimal for the polygon, not proven
 * for the exact magnitudes), with the worst-case loss and the duality gap in its message. Answers of a
 * problem whose polygon rows give nothing up (gap 0) are returned as they are.
 */
export function withApproximationNote<A extends Noted>(rp: ResolvedProblem, gap: number | undefined, objective: number, answer: A): A {
  if (rp.network === undefined || gap === 0) return answer;
  if (gap !== undefined && gap <= 1e-9 * Math.max(1, Math.abs(objective))) return answer;
  const lossPct = Number((rp.network.maxLossFraction * 100).toPrecision(4));
  const bound = gap === undefined ? 'no duals from this backend, so no lower bound' : `the exact optimum is at most ${Number(gap.toPrecision(4))} below the LP's objective (LP duality)`;
  const note = `network current magnitudes held by an inner polygon (at most ${lossPct} % of a limit unused); ${bound}`;
  return {
    ...answer,
    status: answer.status === 'optimal' ? 'feasible' : answer.status,
    message: answer.message ? `${answer.message}; ${note}` : note,
  };
}
