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
   * Adds the plan of master weights into `out` (one array per vehicle of this store, indexed by slot):
   * vehicle i gets sum over this store's answer sets k of `weights[k * groupCount + group(i)]` x its answer in
   * set k. The weights are the master's, normalised per group by the caller (column-generation.ts).
   */
  addPlan(weights: Float64Array, out: Float64Array[]): void {
    const G = this.groupCount;
    this.vehicles.forEach((v, i) => {
      const p = out[i]!;
      const g = this.groupOf[i]!;
      const base = this.offset[i]! - v.arrivalSlot;
      for (let k = 0; k < this.answers.length; k++) {
        const w = weights[k * G + g]!;
        if (w === 0) continue;
        const data = this.answers[k]!;
        for (let t = v.arrivalSlot; t < v.endSlot; t++) p[t]! += w * data[base + t]!;
      }
    });
  }
}
