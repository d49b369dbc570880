/**
 * The vehicles' answers kept for column generation (column-generation.ts): one compact array per pricing with
 * every vehicle's net power over its stay only, and the plan a set of master weights describes (each vehicle
 * takes its group's weights over its own answers).
 */
import type { DpVehicle } from './vehicle-dp.ts';

/** Wear and shortfall penalty of a vehicle's net powers (the plan's cost of that vehicle, prices excluded). */
export function ownCost(v: DpVehicle, slotHours: number, powerKw: ArrayLike<number>): number {
  let e = v.initialEnergyKwh;
  let wear = 0;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    const kw = powerKw[t]!;
    if (kw === 0) continue;
    e += kw > 0 ? slotHours * v.chargeEfficiency * kw : (slotHours * kw) / v.dischargeEfficiency;
    wear += v.degradationCostPerKwh * slotHours * Math.abs(kw);
  }
  return wear + v.shortfallPenaltyPerKwh * Math.max(0, v.requiredEnergyKwh - e);
}

export class ColumnStore {
  private readonly offset: Int32Array;
  private readonly length: number;
  private readonly answers: Float64Array[] = [];
  /** Per group and slot, the summed net power of the last answer set added (kW). */
  readonly groupSumKw: Float64Array;
  /** Per group, the summed own cost of the last answer set added. */
  readonly groupCost: Float64Array;

  constructor(
    private readonly vehicles: readonly DpVehicle[],
    private readonly slotCount: number,
    private readonly slotHours: number,
    /** Group of each vehicle. */
    readonly groupOf: Int32Array,
    readonly groupCount: number,
  ) {
    this.offset = new Int32Array(vehicles.length + 1);
    vehicles.forEach((v, i) => (this.offset[i + 1] = this.offset[i]! + Math.max(0, v.endSlot - v.arrivalSlot)));
    this.length = this.offset[vehicles.length]!;
    this.groupSumKw = new Float64Array(groupCount * slotCount);
    this.groupCost = new Float64Array(groupCount);
  }

  /** Number of answer sets kept. */
  get size(): number {
    return this.answers.length;
  }

  /** Keeps one answer per vehicle (`powerKw(i)`, indexed by slot; undefined = all zero) and sums them by group. Returns its index. */
  add(powerKw: (vehicle: number) => ArrayLike<number> | undefined): number {
    const T = this.slotCount;
    const data = new Float64Array(Math.max(1, this.length));
    this.groupSumKw.fill(0);
    this.groupCost.fill(0);
    const zero = new Float64Array(T);
    this.vehicles.forEach((v, i) => {
      const p = powerKw(i) ?? zero;
      const g = this.groupOf[i]!;
      const base = this.offset[i]! - v.arrivalSlot;
      for (let t = v.arrivalSlot; t < v.endSlot; t++) {
        const kw = p[t]!;
        data[base + t] = kw;
        this.groupSumKw[g * T + t]! += kw;
      }
      this.groupCost[g]! += ownCost(v, this.slotHours, p);
    });
    this.answers.push(data);
    return this.answers.length - 1;
  }

  /**
   * The plan of master weights: vehicle i's power is sum over its group's columns of weight x its answer in
   * that column's set. `weights[c]` belongs to column `tags[c]`.
   */
  plan(weights: ArrayLike<number>, tags: readonly { group: number; source: number }[]): Float64Array[] {
    const T = this.slotCount;
    const byGroup: { source: number; weight: number }[][] = Array.from({ length: this.groupCount }, () => []);
    tags.forEach((tag, c) => {
      const w = weights[c]!;
      if (w > 1e-12) byGroup[tag.group]!.push({ source: tag.source, weight: w });
    });
    for (const list of byGroup) {
      const total = list.reduce((s, x) => s + x.weight, 0);
      for (const x of list) x.weight /= total; // the convexity row holds to tolerance; make it exact
    }
    return this.vehicles.map((v, i) => {
      const p = new Float64Array(T);
      const base = this.offset[i]! - v.arrivalSlot;
      for (const { source, weight } of byGroup[this.groupOf[i]!]!) {
        const data = this.answers[source]!;
        for (let t = v.arrivalSlot; t < v.endSlot; t++) p[t]! += weight * data[base + t]!;
      }
      return p;
    });
  }
}
