/**
 * A problem's network resolved onto its vehicles: every limited element as a sparse list of (vehicle,
 * coefficient in A per kW of net power), so the formulation, the baselines and the KPIs read one
 * interpretation of the network. Vehicles on one charger one after another each get its coefficient.
 */
import type { Problem } from '../problem.ts';
import { defaultMaxMagnitudeLossPct } from './network-schema.ts';
import { networkElements, type ElementKind } from './network-elements.ts';

/** One limited current phasor over the problem's vehicles. */
export interface ResolvedLimit {
  /** e.g. `transformer secondary line a`, `breaker pod-cc line a`, `group AB`. */
  readonly name: string;
  readonly kind: ElementKind;
  readonly limitA: number;
  /** Indices of the vehicles that contribute (ascending). */
  readonly vehicles: Int32Array;
  /** Their coefficients (A per kW of net power), real and imaginary parts. */
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** One vehicle's place in a limit. */
export interface VehicleTerm {
  readonly limit: number;
  readonly re: number;
  readonly im: number;
}

export interface ResolvedNetwork {
  readonly limits: readonly ResolvedLimit[];
  /** Per vehicle (problem order): the limits it contributes to. */
  readonly byVehicle: readonly (readonly VehicleTerm[])[];
  /** Worst-case share of a magnitude limit the LP's polygon may leave unused (0..1). */
  readonly maxLossFraction: number;
}

/** The network of `problem` on its vehicles, or undefined without one. The problem must have passed `validateProblem`. */
export function resolveNetwork(problem: Problem): ResolvedNetwork | undefined {
  const network = problem.network;
  if (network === undefined) return undefined;
  const byCharger = new Map<string, number[]>();
  problem.vehicles.forEach((v, i) => {
    const list = byCharger.get(v.chargerId);
    if (list) list.push(i);
    else byCharger.set(v.chargerId, [i]);
  });
  const byVehicle: VehicleTerm[][] = problem.vehicles.map(() => []);
  const limits: ResolvedLimit[] = [];
  for (const e of networkElements(network)) {
    if (e.limitA === undefined) continue;
    const terms: { vehicle: number; re: number; im: number }[] = [];
    for (const [chargerId, c] of e.coefficients) {
      for (const vehicle of byCharger.get(chargerId) ?? []) terms.push({ vehicle, re: c.re, im: c.im });
    }
    if (terms.length === 0) continue;
    terms.sort((a, b) => a.vehicle - b.vehicle);
    const index = limits.length;
    limits.push({
      name: e.name,
      kind: e.kind,
      limitA: e.limitA,
      vehicles: Int32Array.from(terms, (t) => t.vehicle),
      re: Float64Array.from(terms, (t) => t.re),
      im: Float64Array.from(terms, (t) => t.im),
    });
    for (const t of terms) byVehicle[t.vehicle]!.push({ limit: index, re: t.re, im: t.im });
  }
  return { limits, byVehicle, maxLossFraction: (network.maxMagnitudeLossPct ?? defaultMaxMagnitudeLossPct) / 100 };
}
