/**
 * The current phasors of a network's limits while a baseline fills slots: how much more one vehicle may take
 * without breaking an exact magnitude limit, and whether a set of extra powers fits together. Baselines use
 * the exact magnitudes (not the LP's polygon): a sorted allocation inside the limits, as in the field's
 * comparisons.
 */
import { magnitudeAbove } from './magnitude-above.ts';
import type { ResolvedNetwork } from './resolved-network.ts';

/**
 * Largest step s >= 0 with |z + k s| <= limit (z, k complex); 0 when z already breaks the limit or k = 0
 * cannot help, Infinity when k = 0 and z is within it.
 */
export function maxStepWithin(zRe: number, zIm: number, kRe: number, kIm: number, limit: number): number {
  const a = kRe * kRe + kIm * kIm;
  // Rounding may leave z a hair above the limit after an exact fill: that counts as on it.
  const c = Math.min(0, zRe * zRe + zIm * zIm - limit * limit);
  if (magnitudeAbove(zRe, zIm, limit * (1 + 1e-12) + 1e-12)) return 0;
  if (a === 0) return Infinity;
  const b = zRe * kRe + zIm * kIm;
  const q = Math.sqrt(b * b - a * c);
  if (b < 0) return (q - b) / a;
  return b + q > 0 ? -c / (b + q) : 0;
}

/** A network's vehicle terms as flat arrays: vehicle i's are [starts[i], starts[i + 1]); each limit's A. */
interface FlatTerms {
  readonly starts: Int32Array;
  readonly limit: Int32Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly limitA: Float64Array;
}

export class NetworkLoad {
  /** Current phasor of each limit in each slot (A): index limit x slotCount + slot. */
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(
    readonly network: ResolvedNetwork,
    readonly slotCount: number,
  ) {
    this.re = new Float64Array(network.limits.length * slotCount);
    this.im = new Float64Array(network.limits.length * slotCount);
    this.scratchRe = new Float64Array(network.limits.length);
    this.scratchIm = new Float64Array(network.limits.length);
    this.isTouched = new Uint8Array(network.limits.length);
  }

  /** `network.byVehicle` as flat arrays (same terms, same order), made at the first `fitsTogether`. */
  private flat: FlatTerms | undefined;

  private flatTerms(): FlatTerms {
    if (this.flat !== undefined) return this.flat;
    const { byVehicle, limits } = this.network;
    const starts = new Int32Array(byVehicle.length + 1);
    for (let i = 0; i < byVehicle.length; i++) starts[i + 1] = starts[i]! + byVehicle[i]!.length;
    const count = starts[byVehicle.length]!;
    const flat: FlatTerms = { starts, limit: new Int32Array(count), re: new Float64Array(count), im: new Float64Array(count), limitA: Float64Array.from(limits, (l) => l.limitA) };
    byVehicle.forEach((terms, i) =>
      terms.forEach((term, j) => {
        flat.limit[starts[i]! + j] = term.limit;
        flat.re[starts[i]! + j] = term.re;
        flat.im[starts[i]! + j] = term.im;
      }),
    );
    this.flat = flat;
    return flat;
  }

  /** Most kW vehicle `i` can add in slot `t` within every limit it touches (Infinity when it touches none). */
  headroomKw(i: number, t: number): number {
    let most = Infinity;
    for (const term of this.network.byVehicle[i]!) {
      const k = term.limit * this.slotCount + t;
      most = Math.min(most, maxStepWithin(this.re[k]!, this.im[k]!, term.re, term.im, this.network.limits[term.limit]!.limitA));
      if (most <= 0) return 0;
    }
    return most;
  }

  /**
   * Most kW vehicle `i` can shed in slot `t` within every limit it touches: shedding one line pair's current
   * can raise a line's magnitude (a line carries the difference of two pairs' currents).
   */
  headroomDownKw(i: number, t: number): number {
    let most = Infinity;
    for (const term of this.network.byVehicle[i]!) {
      const k = term.limit * this.slotCount + t;
      most = Math.min(most, maxStepWithin(this.re[k]!, this.im[k]!, -term.re, -term.im, this.network.limits[term.limit]!.limitA));
      if (most <= 0) return 0;
    }
    return most;
  }

  /** Records `kw` more for vehicle `i` in slot `t`. */
  add(i: number, t: number, kw: number): void {
    for (const term of this.network.byVehicle[i]!) {
      const k = term.limit * this.slotCount + t;
      this.re[k]! += term.re * kw;
      this.im[k]! += term.im * kw;
    }
  }

  /** Scratch for `brokenBy`: the phasor of each touched limit, and which limits are touched. */
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  private readonly touched: number[] = [];
  private readonly isTouched: Uint8Array;

  /**
   * The limits that vehicles `vehicles[k]` taking `extraKw[k]` more in slot `t` would break together, as
   * indices into `network.limits`; empty when they fit. `slackA` is allowed above each limit.
   */
  brokenBy(t: number, vehicles: ArrayLike<number>, extraKw: ArrayLike<number>, slackA = 1e-9): number[] {
    const { scratchRe, scratchIm, touched, isTouched } = this;
    touched.length = 0;
    for (let k = 0; k < vehicles.length; k++) {
      const kw = extraKw[k]!;
      for (const term of this.network.byVehicle[vehicles[k]!]!) {
        const l = term.limit;
        if (!isTouched[l]) {
          isTouched[l] = 1;
          touched.push(l);
          scratchRe[l] = this.re[l * this.slotCount + t]!;
          scratchIm[l] = this.im[l * this.slotCount + t]!;
        }
        scratchRe[l]! += term.re * kw;
        scratchIm[l]! += term.im * kw;
      }
    }
    const broken: number[] = [];
    for (const l of touched) {
      isTouched[l] = 0;
      if (magnitudeAbove(scratchRe[l]!, scratchIm[l]!, this.network.limits[l]!.limitA + slackA)) broken.push(l);
    }
    return broken;
  }

  /**
   * Whether vehicles `vehicles[k]` taking `extraKw[k]` more in slot `t` fit together: `brokenBy(...)` is empty,
   * decided by the same sums in the same order (so the same answer), without building the list.
   */
  fitsTogether(t: number, vehicles: ArrayLike<number>, extraKw: ArrayLike<number>, slackA = 1e-9): boolean {
    const { scratchRe, scratchIm, touched, isTouched } = this;
    const { starts: termStarts, limit: termLimit, re: termRe, im: termIm, limitA } = this.flatTerms();
    touched.length = 0;
    for (let k = 0; k < vehicles.length; k++) {
      const kw = extraKw[k]!;
      const i = vehicles[k]!;
      for (let j = termStarts[i]!; j < termStarts[i + 1]!; j++) {
        const l = termLimit[j]!;
        if (!isTouched[l]) {
          isTouched[l] = 1;
          touched.push(l);
          scratchRe[l] = this.re[l * this.slotCount + t]!;
          scratchIm[l] = this.im[l * this.slotCount + t]!;
        }
        scratchRe[l]! += termRe[j]! * kw;
        scratchIm[l]! += termIm[j]! * kw;
      }
    }
    let fits = true;
    for (const l of touched) {
      isTouched[l] = 0;
      if (fits && magnitudeAbove(scratchRe[l]!, scratchIm[l]!, limitA[l]! + slackA)) fits = false;
    }
    return fits;
  }

  /** The vehicles contributing to limit `limit`. */
  vehiclesOf(limit: number): Int32Array {
    return this.network.limits[limit]!.vehicles;
  }
}
