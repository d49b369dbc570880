/**
 * The site's side of the priced-out fleet LP: for multipliers lambda_t on the site balance rows and nu_t on
 * the demand-charge peak rows, the cheapest site exchange in every slot, exactly, without an LP.
 *
 * In slot t the fleet LP's site columns (import up to the limit, import excess, export, export excess, PV
 * curtailment; formulation.ts) meet one balance row: n = import + importExcess - export - exportExcess -
 * curtailed = netBase + y, where y is the vehicles' summed net power. Priced out, the slot's problem is
 *   min over the columns of  cost(columns) + nu_t (import + importExcess) - lambda_t y,
 * a box-bounded LP with one linear form: its value as a function of n is the merit order of the columns
 * (each raises n by one kW at its own cost), so it is solved by sorting five slopes. y is kept within what
 * the vehicles could take or give in that slot (redundant in the fleet LP, so the dual bound stays valid).
 */
import type { ResolvedProblem } from '../resolved-problem.ts';

/** Per-slot constants of the site (kW and cost per kW per slot, i.e. already multiplied by dt). */
export interface SiteSlots {
  readonly slotCount: number;
  readonly netBaseKw: Float64Array;
  readonly importCost: Float64Array;
  readonly importExcessCost: Float64Array;
  readonly importCapKw: Float64Array;
  readonly importExcessCapKw: Float64Array;
  /** Cost of raising n by one kW by exporting less (= dt x export price). */
  readonly exportCost: Float64Array;
  readonly exportCapKw: Float64Array;
  readonly exportExcessCost: Float64Array;
  readonly exportExcessCapKw: Float64Array;
  readonly curtailCapKw: Float64Array;
  /** Vehicles' summed net power bounds (kW): -sum of discharge limits, sum of charge limits. */
  readonly fleetMinKw: Float64Array;
  readonly fleetMaxKw: Float64Array;
  /** 1 where the slot's import counts towards the billed peak and there is a demand charge. */
  readonly peakSlot: Uint8Array;
  readonly demandChargePerKw: number;
  readonly previousPeakKw: number;
}

export function siteSlots(rp: ResolvedProblem): SiteSlots {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  const f = () => new Float64Array(T);
  const s = {
    netBaseKw: f(),
    importCost: f(),
    importExcessCost: f(),
    importCapKw: f(),
    importExcessCapKw: f(),
    exportCost: f(),
    exportCapKw: f(),
    exportExcessCost: f(),
    exportExcessCapKw: f(),
    curtailCapKw: f(),
    fleetMinKw: f(),
    fleetMaxKw: f(),
    peakSlot: new Uint8Array(T),
  };
  for (const v of rp.vehicles) {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      s.fleetMaxKw[t]! += v.maxChargeKw[t]!;
      s.fleetMinKw[t]! -= v.maxDischargeKw[t]!;
    }
  }
  const pen = rp.limitExcessPenaltyPerKwh;
  for (let t = 0; t < T; t++) {
    const netBase = rp.netBaseKw[t]!;
    const price = rp.importPricePerKwh[t]!;
    const exportPrice = rp.exportPricePerKwh[t]!;
    const limit = rp.importLimitKw[t]!;
    s.netBaseKw[t] = netBase;
    s.importCost[t] = dt * price;
    s.importCapKw[t] = limit;
    s.importExcessCost[t] = dt * (price + pen);
    s.importExcessCapKw[t] = netBase > limit ? netBase - limit : 0;
    s.exportCost[t] = dt * exportPrice;
    s.exportCapKw[t] = rp.exportLimitKw[t]!;
    const curtailable = rp.pvCurtailable && rp.pvKw[t]! > 0;
    s.curtailCapKw[t] = curtailable ? rp.pvKw[t]! : 0;
    s.exportExcessCost[t] = dt * (exportPrice - pen);
    s.exportExcessCapKw[t] = !curtailable && -netBase > rp.exportLimitKw[t]! ? -netBase - rp.exportLimitKw[t]! : 0;
    s.peakSlot[t] = rp.demandChargePerKw > 0 && rp.demandChargeSlot[t] ? 1 : 0;
  }
  return { slotCount: T, ...s, demandChargePerKw: rp.demandChargePerKw, previousPeakKw: rp.previousPeakKw };
}

/** The site's answer to one set of multipliers. */
export interface SiteAnswer {
  /** min over the site columns of cost + nu'import - lambda'y, summed over slots, plus the peak term. */
  value: number;
  /** The vehicles' summed power the site would take per slot (kW). */
  readonly takeKw: Float64Array;
  /** Import including excess per slot (kW). */
  readonly importKw: Float64Array;
  /** The peak the site chose (kW). */
  peakKw: number;
}

export function newSiteAnswer(T: number): SiteAnswer {
  return { value: 0, takeKw: new Float64Array(T), importKw: new Float64Array(T), peakKw: 0 };
}

const moveSlope = new Float64Array(5);
const moveCap = new Float64Array(5);
const moveIsImport = new Uint8Array(5);
const order = [0, 1, 2, 3, 4];

/**
 * Solves every slot for multipliers `lambda` (per kW per slot) and `nu` (>= 0, sum <= demand charge, on
 * peak slots) and writes the answer. Requires sum(nu) <= demandChargePerKw. `netPriceKw` (portfolio
 * decomposition): a price per kW of the site's net import per slot (the feeder row's multiplier), included
 * in `value`.
 */
export function solveSite(s: SiteSlots, lambda: ArrayLike<number>, nu: ArrayLike<number>, out: SiteAnswer, netPriceKw?: ArrayLike<number>): void {
  let value = 0;
  let nuSum = 0;
  for (let t = 0; t < s.slotCount; t++) {
    const l = lambda[t]!;
    // A portfolio's feeder row prices the site's net import n (per kW): every move raises n by one kW.
    const pi = netPriceKw ? netPriceKw[t]! : 0;
    const n = s.peakSlot[t] ? nu[t]! : 0;
    nuSum += n;
    const netBase = s.netBaseKw[t]!;
    // Base point: no import, all export, export excess and curtailment at their caps.
    const r0 = -(s.exportCapKw[t]! + s.exportExcessCapKw[t]! + s.curtailCapKw[t]!);
    let r = r0;
    let cost = -s.exportCost[t]! * s.exportCapKw[t]! - s.exportExcessCost[t]! * s.exportExcessCapKw[t]!;
    moveSlope[0] = s.importCost[t]! + n - l + pi;
    moveCap[0] = s.importCapKw[t]!;
    moveIsImport[0] = 1;
    moveSlope[1] = s.importExcessCost[t]! + n - l + pi;
    moveCap[1] = s.importExcessCapKw[t]!;
    moveIsImport[1] = 1;
    moveSlope[2] = s.exportCost[t]! - l + pi;
    moveCap[2] = s.exportCapKw[t]!;
    moveIsImport[2] = 0;
    moveSlope[3] = s.exportExcessCost[t]! - l + pi;
    moveCap[3] = s.exportExcessCapKw[t]!;
    moveIsImport[3] = 0;
    moveSlope[4] = -l + pi;
    moveCap[4] = s.curtailCapKw[t]!;
    moveIsImport[4] = 0;
    order.sort((a, b) => moveSlope[a]! - moveSlope[b]!);
    cost -= l * (r0 - netBase);
    cost += pi * r0;
    const lowest = netBase + s.fleetMinKw[t]!;
    const highest = netBase + s.fleetMaxKw[t]!;
    let imported = 0;
    for (const m of order) {
      const cap = moveCap[m]!;
      if (cap <= 0) continue;
      const slope = moveSlope[m]!;
      // Take this move while it pays, and at least as far as the lower end requires.
      let amount = 0;
      if (slope < 0) amount = Math.min(cap, highest - r);
      else if (r < lowest) amount = Math.min(cap, lowest - r);
      if (amount <= 0) {
        if (slope >= 0 && r >= lowest) break;
        continue;
      }
      r += amount;
      cost += slope * amount;
      if (moveIsImport[m]) imported += amount;
    }
    out.takeKw[t] = r - netBase;
    out.importKw[t] = imported;
    value += cost;
  }
  // Peak: DC (P - previous) - sum(nu) P over P >= previous: at the previous peak while sum(nu) < DC.
  const dc = s.demandChargePerKw;
  let peak = s.previousPeakKw;
  if (dc > 0 && nuSum >= dc - 1e-12) {
    for (let t = 0; t < s.slotCount; t++) if (s.peakSlot[t] && out.importKw[t]! > peak) peak = out.importKw[t]!;
  }
  out.peakKw = peak;
  value += (dc - nuSum) * peak - dc * s.previousPeakKw;
  out.value = value;
}
