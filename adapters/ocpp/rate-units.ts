/**
 * W <-> A for AC charging: P = I x V x phases (V phase-to-neutral). A limit in A is per phase.
 * OCPP limits accept one decimal (multipleOf 0.1): W are rounded towards zero to whole watts, A towards
 * zero to 0.1 A, so a converted limit never exceeds the plan (nor a current limit the plan keeps exactly,
 * e.g. a transformer line of a three-phase network filled to its limit).
 */
import type { RateUnit } from './capabilities.ts';

/** kW -> the unit's value (W, or A per phase), rounded as OCPP wants it. */
export function kwToRate(powerKw: number, unit: RateUnit, voltageV: number, phases: number): number {
  if (unit === 'W') {
    const watts = powerKw * 1000;
    return Math.trunc(watts + (watts >= 0 ? 1e-9 : -1e-9)) + 0;
  }
  const amps = (powerKw * 1000) / (voltageV * phases);
  return Math.trunc(amps * 10 + (amps >= 0 ? 1e-9 : -1e-9)) / 10 + 0;
}

/** The unit's value -> kW (unrounded). */
export function rateToKw(value: number, unit: RateUnit, voltageV: number, phases: number): number {
  return unit === 'W' ? value / 1000 : (value * voltageV * phases) / 1000;
}

/** Converts between units through kW (for A the per-period phase count, default `phases`). */
export function convertRate(value: number, from: RateUnit, to: RateUnit, voltageV: number, phases: number): number {
  if (from === to) return value;
  return kwToRate(rateToKw(value, from, voltageV, phases), to, voltageV, phases);
}
