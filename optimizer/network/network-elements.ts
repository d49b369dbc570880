/**
 * The limited elements of a network, each as a linear map from the chargers' net powers (kW) to one current
 * phasor (A) whose magnitude is limited: a group's breaker (the sum of its chargers' amps), each line of a
 * breaker, each secondary line of the transformer and each primary line. Secondary lines are listed even
 * without a transformer (they carry the current unbalance KPI); elements without a limit have `limitA`
 * undefined and are reported, never enforced.
 */
import type { Network } from './network-schema.ts';
import { add, ampsPerKw, lineCoefficients, lineNames, nominalAngleDeg, primaryMatrix, scale, zero, type Complex, type LineName } from './phasors.ts';

/** How one charger is wired: its group and its current on each secondary line per kW of net power. */
export interface ChargerWiring {
  readonly groupIndex: number;
  /** Amps of the charger's own current per kW (per line for three-phase). */
  readonly ampsPerKw: number;
  /** Secondary line a, b, c current per kW (A per kW, phasors). */
  readonly lines: readonly [Complex, Complex, Complex];
}

export type ElementKind = 'group' | 'breaker' | 'secondary' | 'primary';

/** One current phasor of the network and its limit. */
export interface NetworkElement {
  /** Human-readable, unique: `group AB`, `breaker pod-cc line a`, `transformer secondary line a`, `transformer primary line b`. */
  readonly name: string;
  readonly kind: ElementKind;
  /** Group or breaker id, or `transformer`. */
  readonly elementId: string;
  readonly line?: LineName;
  /** Limit on the magnitude (A); undefined = not limited, reported only. */
  readonly limitA?: number;
  /** Current per kW of each charger's net power (A per kW); chargers absent here do not contribute. */
  readonly coefficients: ReadonlyMap<string, Complex>;
}

/** Every charger of the network's groups and how it is wired (a charger listed twice keeps its first group). */
export function chargerWiring(network: Network): Map<string, ChargerWiring> {
  const out = new Map<string, ChargerWiring>();
  network.groups.forEach((g, groupIndex) => {
    const perKw = ampsPerKw(g.connection, g.voltageV);
    const unit = lineCoefficients(g.connection, g.angleDeg ?? nominalAngleDeg[g.connection]);
    const lines = unit.map((c) => scale(c, perKw)) as unknown as readonly [Complex, Complex, Complex];
    for (const id of g.chargerIds) if (!out.has(id)) out.set(id, { groupIndex, ampsPerKw: perKw, lines });
  });
  return out;
}

function lineElements(
  kind: 'breaker' | 'secondary',
  elementId: string,
  prefix: string,
  chargerIds: readonly string[] | ReadonlySet<string>,
  wiring: ReadonlyMap<string, ChargerWiring>,
  limitA: number | undefined,
): NetworkElement[] {
  return lineNames.map((line, x) => {
    const coefficients = new Map<string, Complex>();
    for (const id of chargerIds) {
      const w = wiring.get(id);
      if (w && (w.lines[x]!.re !== 0 || w.lines[x]!.im !== 0)) coefficients.set(id, w.lines[x]!);
    }
    return { name: `${prefix} line ${line}`, kind, elementId, line, ...(limitA !== undefined ? { limitA } : {}), coefficients };
  });
}

/**
 * Elements already built, by the network's `groups` array (a site's groups are passed on by reference into
 * every problem assembled for it, so each decision of a replay finds its network's elements here), then by
 * the rest of the network (breakers by reference, transformer limits and loss by value).
 */
const builtElements = new WeakMap<object, { readonly breakers: unknown; readonly rest: string; readonly elements: readonly NetworkElement[] }[]>();

/**
 * The elements of `network`, in order: groups, breakers' lines, secondary lines, primary lines. Built once per
 * network (memoised; the result is shared: read it, never change it).
 */
export function networkElements(network: Network): readonly NetworkElement[] {
  const rest = JSON.stringify([network.transformer, network.maxMagnitudeLossPct]);
  let built = builtElements.get(network.groups);
  const hit = built?.find((b) => b.breakers === network.breakers && b.rest === rest);
  if (hit) return hit.elements;
  const elements = buildNetworkElements(network);
  if (!built) builtElements.set(network.groups, (built = []));
  if (built.length >= 8) built.shift();
  built.push({ breakers: network.breakers, rest, elements });
  return elements;
}

function buildNetworkElements(network: Network): NetworkElement[] {
  const wiring = chargerWiring(network);
  const out: NetworkElement[] = [];
  for (const g of network.groups) {
    const coefficients = new Map<string, Complex>();
    for (const id of g.chargerIds) {
      const w = wiring.get(id);
      if (w) coefficients.set(id, { re: w.ampsPerKw, im: 0 });
    }
    out.push({ name: `group ${g.id}`, kind: 'group', elementId: g.id, ...(g.maxCurrentA !== undefined ? { limitA: g.maxCurrentA } : {}), coefficients });
  }
  for (const b of network.breakers ?? []) {
    out.push(...lineElements('breaker', b.id, `breaker ${b.id}`, new Set(b.chargerIds), wiring, b.maxCurrentA));
  }
  const secondary = lineElements('secondary', 'transformer', 'transformer secondary', [...wiring.keys()], wiring, network.transformer?.secondaryMaxCurrentA);
  out.push(...secondary);
  const primary = network.transformer?.primary;
  if (primary) {
    const m = primaryMatrix(primary);
    lineNames.forEach((line, p) => {
      const coefficients = new Map<string, Complex>();
      for (const [id, w] of wiring) {
        let c = zero;
        for (let x = 0; x < 3; x++) c = add(c, scale(w.lines[x]!, m[p]![x]!));
        if (Math.abs(c.re) > 1e-15 || Math.abs(c.im) > 1e-15) coefficients.set(id, c);
      }
      out.push({ name: `transformer primary line ${line}`, kind: 'primary', elementId: 'transformer', line, limitA: primary.maxCurrentA, coefficients });
    });
  }
  return out;
}
