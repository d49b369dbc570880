/**
 * What travels through Redis between the decomposition coordinator and its shard workers, compactly and
 * exactly: typed arrays as base64 of their bytes (no JSON numbers, no rounding), vehicles as one Float64
 * stream with their per-slot limits over the stay only, run-length encoded (constant limits cost 2 numbers).
 * BullMQ stores job data and results as JSON strings, so every field here is a string or a number.
 */
import type { DpVehicle } from '../../optimizer/decomposition/vehicle-dp.ts';

/** A typed array's bytes as base64. */
export function packArray(array: Float64Array | Int32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** Inverse of `packArray` for Float64 data. */
export function unpackFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Inverse of `packArray` for Int32 data. */
export function unpackInt32(text: string): Int32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Int32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

const scalars = [
  'arrivalSlot',
  'endSlot',
  'initialEnergyKwh',
  'floorEnergyKwh',
  'capacityKwh',
  'requiredEnergyKwh',
  'shortfallPenaltyPerKwh',
  'chargeEfficiency',
  'dischargeEfficiency',
  'degradationCostPerKwh',
  'priceOffset',
] as const satisfies readonly (keyof DpVehicle)[];

/** Vehicles as one stream: per vehicle its scalars, then each per-slot limit over the stay as (value, run) pairs. */
export function packVehicles(vehicles: readonly DpVehicle[]): string {
  const out: number[] = [];
  const runs = (series: ArrayLike<number>, from: number, to: number) => {
    const at = out.length;
    out.push(0);
    for (let t = from; t < to; ) {
      let end = t + 1;
      while (end < to && Object.is(series[end], series[t])) end++;
      out.push(series[t]!, end - t);
      out[at]!++;
      t = end;
    }
  };
  for (const v of vehicles) {
    for (const key of scalars) out.push(v[key] ?? 0);
    runs(v.maxChargeKw, v.arrivalSlot, v.endSlot);
    runs(v.maxDischargeKw, v.arrivalSlot, v.endSlot);
  }
  return packArray(Float64Array.from(out));
}

/** Inverse of `packVehicles`; per-slot limits are full-horizon arrays (0 outside the stay). */
export function unpackVehicles(text: string, slotCount: number): DpVehicle[] {
  const data = unpackFloat64(text);
  const vehicles: DpVehicle[] = [];
  let k = 0;
  const series = (from: number) => {
    const out = new Float64Array(slotCount);
    const count = data[k++]!;
    let t = from;
    for (let r = 0; r < count; r++) {
      const value = data[k++]!;
      const length = data[k++]!;
      out.fill(value, t, t + length);
      t += length;
    }
    return out;
  };
  while (k < data.length) {
    const v: Record<string, number> = {};
    for (const key of scalars) v[key] = data[k++]!;
    const maxChargeKw = series(v.arrivalSlot!);
    const maxDischargeKw = series(v.arrivalSlot!);
    if (!v.priceOffset) delete v.priceOffset;
    vehicles.push({ ...(v as unknown as Omit<DpVehicle, 'maxChargeKw' | 'maxDischargeKw'>), maxChargeKw, maxDischargeKw });
  }
  return vehicles;
}

/** Net powers over each vehicle's stay, concatenated (the plan of a shard). */
export function packStays(vehicles: readonly DpVehicle[], powers: readonly Float64Array[]): string {
  let n = 0;
  for (const v of vehicles) n += v.endSlot - v.arrivalSlot;
  const out = new Float64Array(Math.max(0, n));
  let k = 0;
  vehicles.forEach((v, i) => {
    out.set(powers[i]!.subarray(v.arrivalSlot, v.endSlot), k);
    k += v.endSlot - v.arrivalSlot;
  });
  return packArray(out);
}

/** Inverse of `packStays`: full-horizon arrays (0 outside the stay). */
export function unpackStays(text: string, vehicles: readonly DpVehicle[], slotCount: number): Float64Array[] {
  const data = unpackFloat64(text);
  let k = 0;
  return vehicles.map((v) => {
    const p = new Float64Array(slotCount);
    p.set(data.subarray(k, k + v.endSlot - v.arrivalSlot), v.arrivalSlot);
    k += v.endSlot - v.arrivalSlot;
    return p;
  });
}
