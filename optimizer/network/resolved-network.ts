/**
 * A problem's network resolved onto its vehicles: every limited element as a sparse list of (vehicle,
 * coefficient in A per kW of net power), so the formulation, the baselines and the KPIs read one
 * interpretation of the network. Vehicles on one charger one after another each get its coefficient.
 */
import type { Problem } from '../problem.ts';
import { defaultMaxMagnitudeLossPct } from './network-schema.ts';
import { networkElements, type ElementKind, type NetworkElement } from './network-elements.ts';

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

/** One element's coefficient for a charger: the element's index among the limited elements, and its phasor. */
interface ChargerTerm {
  readonly element: number;
  readonly re: number;
  readonly im: number;
}

/** The limited elements of a network and, per charger, its terms in them (element order): built once per elements list. */
interface ChargerIndex {
  readonly limited: readonly NetworkElement[];
  readonly byCharger: ReadonlyMap<string, readonly ChargerTerm[]>;
}

const chargerIndexOf = new WeakMap<readonly NetworkElement[], ChargerIndex>();

function chargerIndex(elements: readonly NetworkElement[]): ChargerIndex {
  let index = chargerIndexOf.get(elements);
  if (index !== undefined) return index;
  const limited = elements.filter((e) => e.limitA !== undefined);
  const byCharger = new Map<string, ChargerTerm[]>();
  limited.forEach((e, element) => {
    for (const [chargerId, c] of e.coefficients) {
      const list = byCharger.get(chargerId);
      if (list) list.push({ element, re: c.re, im: c.im });
      else byCharger.set(chargerId, [{ element, re: c.re, im: c.im }]);
    }
  });
  index = { limited, byCharger };
  chargerIndexOf.set(elements, index);
  return index;
}

/**
 * The network of `problem` on its vehicles, or undefined without one. The problem must have passed `validateProblem`.
 *
 * Each limit lists the vehicles on its chargers in ascending order, the limits keep the order of the network's
 * elements (those with a limit and at least one vehicle), and each vehicle's terms follow the limits' order.
 * It is read per vehicle from a per-charger index of the elements (built once per network: `networkElements`
 * is memoised), so a decision's cost grows with its vehicles, not with elements x chargers; test:
 * test/optimizer/network/resolved-network.test.ts compares it with the element-by-element construction.
 */
export function resolveNetwork(problem: Problem): ResolvedNetwork | undefined {
  const network = problem.network;
  if (network === undefined) return undefined;
  const { limited, byCharger } = chargerIndex(networkElements(network));
  // Per limited element, its vehicles (ascending: vehicles are visited in order) and their coefficients.
  const members: { vehicles: number[]; re: number[]; im: number[] }[] = limited.map(() => ({ vehicles: [], re: [], im: [] }));
  problem.vehicles.forEach((v, i) => {
    for (const term of byCharger.get(v.chargerId) ?? []) {
      const m = members[term.element]!;
      m.vehicles.push(i);
      m.re.push(term.re);
      m.im.push(term.im);
    }
  });
  const byVehicle: VehicleTerm[][] = problem.vehicles.map(() => []);
  const limits: ResolvedLimit[] = [];
  limited.forEach((e, element) => {
    const m = members[element]!;
    if (m.vehicles.length === 0) return;
    const index = limits.length;
    limits.push({ name: e.name, kind: e.kind, limitA: e.limitA!, vehicles: Int32Array.from(m.vehicles), re: Float64Array.from(m.re), im: Float64Array.from(m.im) });
    for (let k = 0; k < m.vehicles.length; k++) byVehicle[m.vehicles[k]!]!.push({ limit: index, re: m.re[k]!, im: m.im[k]! });
  });
  return { limits, byVehicle, maxLossFraction: (network.maxMagnitudeLossPct ?? defaultMaxMagnitudeLossPct) / 100 };
}
