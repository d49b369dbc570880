/**
 * The coordinator's step rule: a trust-region cutting-plane (box-step bundle) method on the dual.
 *
 * The dual is F(lambda) + S(lambda, nu): the fleet's part F (a sum of one exact DP per vehicle) and the
 * site's part S (site-oracle.ts). Only F is approximated: every iteration's fleet value F_j and its
 * gradient, the fleet's summed power y_j, give a cut F(lambda) <= F_j + y_j'(lambda - lambda_j). S is
 * represented exactly through the LP dual of each slot's site problem (one row per site column: import,
 * import excess, export, export excess, PV curtailment), so the master sees the site's kinks where they are
 * instead of learning them from cuts. The next multipliers maximise model F + exact S within a box of
 * half-width `radius` around the centre (the best multipliers so far), with nu >= 0 and sum(nu) <= demand
 * charge: a small LP (about 8T columns, 5T rows plus one per cut) solved by HiGHS from its last basis.
 * A step that gains at least a tenth of what the model predicted moves the centre and widens the box, any
 * other step only adds its cut and narrows the box. Over the 2T multipliers this converges in tens of
 * iterations where subgradient steps need hundreds (measured: README.md).
 */
import type { LpBackend, LpSession } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { SiteSlots } from './site-oracle.ts';

export class BundleMaster {
  private session: LpSession | undefined;
  private readonly T: number;
  private readonly center: Float64Array;
  private centerValue = -Infinity;
  radius: number;
  private readonly minRadius: number;
  private cuts = 0;
  predicted = Infinity;

  private readonly peakSlot: Uint8Array;
  private readonly demandChargePerKw: number;

  constructor(
    private readonly backend: LpBackend,
    private readonly site: SiteSlots,
    start: Float64Array,
    radius: number,
  ) {
    this.peakSlot = site.peakSlot;
    this.demandChargePerKw = site.demandChargePerKw;
    this.T = site.slotCount;
    this.center = Float64Array.from(start);
    this.radius = radius;
    this.minRadius = radius * 1e-7;
  }

  /**
   * Columns: lambda (T), nu (T), theta, then per slot the site dual's variables: one per finite column cap
   * (beta) and two for the fleet's power range (gamma). Maximises theta + S(lambda, nu) (as a minimisation).
   */
  private open(): LpSession {
    const T = this.T;
    const s = this.site;
    const b = new LinearProgramBuilder(10 * T + 1, 5 * T + 2, 30 * T);
    const peak = (t: number) => this.peakSlot[t] === 1 && this.demandChargePerKw > 0;
    for (let t = 0; t < T; t++) b.addCol(-s.netBaseKw[t]!, -Infinity, Infinity);
    for (let t = 0; t < T; t++) b.addCol(peak(t) ? s.previousPeakKw : 0, 0, peak(t) ? Infinity : 0);
    b.addCol(-1, -Infinity, Infinity);
    if (this.demandChargePerKw > 0) {
      for (let t = 0; t < T; t++) if (peak(t)) b.entry(T + t, 1);
      b.endRow(-Infinity, this.demandChargePerKw);
    }
    for (let t = 0; t < T; t++) {
      const lowest = s.netBaseKw[t]! + s.fleetMinKw[t]!;
      const highest = s.netBaseKw[t]! + s.fleetMaxKw[t]!;
      const gammaLow = b.addCol(-lowest, 0, Infinity);
      const gammaHigh = b.addCol(highest, 0, Infinity);
      // Site column k raises n by `sign` per kW at `cost`: cost + nu [import] - sign lambda + beta - sign gammaLow + sign gammaHigh >= 0.
      const columns: [number, number, number, boolean][] = [
        [s.importCost[t]!, s.importCapKw[t]!, 1, true],
        [s.importExcessCost[t]!, s.importExcessCapKw[t]!, 1, true],
        [-s.exportCost[t]!, s.exportCapKw[t]!, -1, false],
        [-s.exportExcessCost[t]!, s.exportExcessCapKw[t]!, -1, false],
        [0, s.curtailCapKw[t]!, -1, false],
      ];
      for (const [cost, cap, sign, imports] of columns) {
        if (!(cap > 0)) continue;
        const beta = Number.isFinite(cap) ? b.addCol(cap, 0, Infinity) : -1;
        b.entry(t, -sign);
        if (imports && peak(t)) b.entry(T + t, 1);
        if (beta >= 0) b.entry(beta, 1);
        b.entry(gammaLow, -sign);
        b.entry(gammaHigh, sign);
        b.endRow(-cost, Infinity);
      }
    }
    return this.backend.open(b.build());
  }

  /**
   * Adds the fleet's cut at multipliers z = (lambda, nu) - fleet value `fleetValue`, summed power
   * `fleetSumKw` - and returns whether z, whose whole dual value is `dual`, became the centre (a serious step).
   */
  addCut(z: Float64Array, dual: number, fleetValue: number, fleetSumKw: ArrayLike<number>): boolean {
    this.session ??= this.open();
    const T = this.T;
    const cols: number[] = [];
    const values: number[] = [];
    let rhs = fleetValue;
    for (let t = 0; t < T; t++) {
      const y = fleetSumKw[t]!;
      if (y === 0) continue;
      cols.push(t);
      values.push(-y);
      rhs -= y * z[t]!;
    }
    cols.push(2 * T);
    values.push(1);
    // theta - y'lambda <= F_j - y'lambda_j
    this.session.addRows({
      lower: Float64Array.of(-Infinity),
      upper: Float64Array.of(rhs),
      starts: Int32Array.of(0, cols.length),
      cols: Int32Array.from(cols),
      values: Float64Array.from(values),
    });
    const value = dual;
    this.cuts++;
    let serious = false;
    if (this.centerValue === -Infinity) serious = true;
    else {
      const gain = value - this.centerValue;
      const promised = this.predicted - this.centerValue;
      serious = gain > 0;
      if (gain >= 0.5 * promised) this.radius *= 2;
      else if (gain <= 0) this.radius = Math.max(this.minRadius, this.radius * 0.5);
    }
    if (serious) {
      this.center.set(z);
      this.centerValue = value;
    }
    return serious;
  }

  /** The next multipliers to evaluate (written into `z`); undefined when the master LP fails. */
  next(z: Float64Array): boolean {
    const session = this.session!;
    const T = this.T;
    for (let k = 0; k < 2 * T; k++) {
      const c = this.center[k]!;
      if (k < T) session.setColBounds(k, c - this.radius, c + this.radius);
      else if (this.peakSlot[k - T] && this.demandChargePerKw > 0) session.setColBounds(k, Math.max(0, c - this.radius), c + this.radius);
    }
    const answer = session.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4 });
    if (!answer.x) return false;
    for (let k = 0; k < 2 * T; k++) z[k] = answer.x[k]!;
    this.predicted = -answer.objective!;
    return true;
  }

  get centerDual(): number {
    return this.centerValue;
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
  }
}
