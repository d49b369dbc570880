/**
 * Test builders for three-phase networks: the shipped Caltech network as the optimizer sees it, and a
 * fast-check arbitrary that puts a random valid network over an `arbProblem` (groups by connection and
 * voltage, breakers over random subsets, a transformer with a delta or wye primary, limits from tight to
 * loose but never below what one charger draws at its minimum).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { problemNetwork, type SiteNetwork } from '../../../grid/site-network.ts';
import type { Connection, Network } from '../../../optimizer/network/network-schema.ts';
import { networkElements } from '../../../optimizer/network/network-elements.ts';
import { abs, nominalAngleDeg } from '../../../optimizer/network/phasors.ts';
import type { Problem, Vehicle } from '../../../optimizer/problem.ts';
import { arbProblem, type ArbProblemOptions } from '../problem-builders.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The shipped Caltech site model (scenarios/shipped/sites/caltech-acn.json). */
export function caltechSite(): { chargers: { id: string }[]; network: SiteNetwork } {
  return JSON.parse(readFileSync(resolve(root, 'scenarios/shipped/sites/caltech-acn.json'), 'utf8')) as { chargers: { id: string }[]; network: SiteNetwork };
}

/** The Caltech network for the optimizer at a transformer rating (kVA). */
export function caltechNetwork(ratingKva: number, maxMagnitudeLossPct?: number): Network {
  const site = caltechSite().network;
  return problemNetwork({
    ...site,
    transformer: { ...site.transformer!, ratingKva },
    ...(maxMagnitudeLossPct !== undefined ? { maxMagnitudeLossPct } : {}),
  });
}

/** A Caltech EVSE's AC limit (208 V line to line, 32 A, 6 A minimum unless `minCurrentA` says otherwise). */
export function caltechAc(minCurrentA = 6): NonNullable<Vehicle['acLimit']> {
  return { maxCurrentA: 32, minCurrentA, phases: 1, voltageV: 208 };
}

const lineToLine: readonly Connection[] = ['AB', 'BC', 'CA'];
const lineToNeutral: readonly Connection[] = ['AN', 'BN', 'CN'];

/** The lowest power at which a vehicle draws current at all (kW). */
function minimumKw(v: Vehicle): number {
  const ac = v.acLimit;
  const acMin = ac?.minCurrentA !== undefined ? (ac.minCurrentA * ac.voltageV * ac.phases) / 1000 : 0;
  return Math.max(v.minChargeKw ?? 0, acMin, v.v2gAllowed === true ? (v.minDischargeKw ?? 0) : 0);
}

/**
 * Puts a network over `problem`: each vehicle's charger joins a group of its AC limit's connection kind
 * (three phases: ABC; one: a line pair or a phase; two-phase AC limits are dropped for a 11 kW scalar),
 * `picks` choose connections, angles, breakers and limit scales (each limit = what one charger needs at
 * its minimum + scale x 60 A, or absent).
 */
function withNetwork(problem: Problem, picks: readonly number[], primaryKind: 'none' | 'delta' | 'wye', loss: number | undefined): Problem {
  let k = 0;
  const pick = () => picks[k++ % picks.length]!;
  const vehicles = problem.vehicles.map((v) => {
    if (v.acLimit?.phases !== 2) return v;
    const { acLimit: _drop, ...rest } = v;
    return { ...rest, maxChargeKw: v.maxChargeKw ?? 11 };
  });
  const groups = new Map<string, { connection: Connection; voltageV: number; chargerIds: string[] }>();
  for (const v of vehicles) {
    const ac = v.acLimit;
    const connection: Connection = ac?.phases === 3 ? 'ABC' : (pick() % 2 === 0 ? lineToLine : lineToNeutral)[pick() % 3]!;
    const voltageV = ac?.voltageV ?? [230, 208, 400][pick() % 3]!;
    const key = `${connection}-${voltageV}`;
    const g = groups.get(key) ?? { connection, voltageV, chargerIds: [] };
    if (!g.chargerIds.includes(v.chargerId)) g.chargerIds.push(v.chargerId);
    groups.set(key, g);
  }
  if (groups.size === 0) groups.set('AB-208', { connection: 'AB', voltageV: 208, chargerIds: ['spare-1'] });
  const draft: Network = {
    groups: [...groups].map(([id, g]) => ({ id, ...g, ...(pick() % 3 === 0 ? { angleDeg: nominalAngleDeg[g.connection] + (pick() % 61) - 30 } : {}), ...(pick() % 4 === 0 ? { maxCurrentA: 1 } : {}) })),
    breakers: vehicles.length >= 2 && pick() % 2 === 0 ? [{ id: 'breaker-1', maxCurrentA: 1, chargerIds: vehicles.filter((_, i) => i % 2 === pick() % 2).map((v) => v.chargerId).slice(0, 3).filter((id, i, a) => a.indexOf(id) === i) }] : [],
    transformer: { secondaryMaxCurrentA: 1, ...(primaryKind !== 'none' ? { primary: { winding: primaryKind, turnsRatio: [1, 2, 4][pick() % 3]!, maxCurrentA: 1 } } : {}) },
    ...(loss !== undefined ? { maxMagnitudeLossPct: loss } : {}),
  };
  if (draft.breakers!.length > 0 && draft.breakers![0]!.chargerIds.length === 0) draft.breakers!.pop();
  // Each limit: at least what one charger alone draws at its minimum, plus a random share of 60 A.
  const need = new Map<string, number>();
  for (const e of networkElements(draft)) {
    let most = 0;
    for (const v of vehicles) {
      const c = e.coefficients.get(v.chargerId);
      if (c) most = Math.max(most, abs(c) * minimumKw(v));
    }
    need.set(e.name, most);
  }
  const limit = (names: string[]) => Math.max(...names.map((n) => need.get(n) ?? 0)) + (pick() % 7) * 10;
  const network: Network = {
    ...draft,
    groups: draft.groups.map((g) => (g.maxCurrentA !== undefined ? { ...g, maxCurrentA: limit([`group ${g.id}`]) } : g)),
    breakers: (draft.breakers ?? []).map((b) => ({ ...b, maxCurrentA: limit(['a', 'b', 'c'].map((x) => `breaker ${b.id} line ${x}`)) })),
    transformer: {
      secondaryMaxCurrentA: limit(['a', 'b', 'c'].map((x) => `transformer secondary line ${x}`)),
      ...(draft.transformer!.primary ? { primary: { ...draft.transformer!.primary, maxCurrentA: limit(['a', 'b', 'c'].map((x) => `transformer primary line ${x}`)) } } : {}),
    },
  };
  return { ...problem, vehicles, network };
}

/** Valid problems with a network (see `withNetwork`); the options are `arbProblem`'s. */
export function arbNetworkProblem(options: ArbProblemOptions = {}): fc.Arbitrary<Problem> {
  return fc
    .tuple(
      arbProblem(options),
      fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 40 }),
      fc.constantFrom<'none' | 'delta' | 'wye'>('delta', 'none', 'wye'),
      fc.option(fc.constantFrom(0.1, 0.5, 2, 10), { nil: undefined }),
    )
    .map(([p, picks, primary, loss]) => withNetwork(p, picks, primary, loss));
}
