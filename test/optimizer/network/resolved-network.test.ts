/**
 * `resolveNetwork` reads each vehicle's limits from a per-charger index of the network's elements; it must give
 * exactly what the element-by-element construction gives (the reference below, the code before the index):
 * the same limits in the same order, the same vehicles and coefficients in each, the same terms per vehicle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultMaxMagnitudeLossPct } from '../../../optimizer/network/network-schema.ts';
import { networkElements } from '../../../optimizer/network/network-elements.ts';
import { resolveNetwork, type ResolvedLimit, type ResolvedNetwork, type VehicleTerm } from '../../../optimizer/network/resolved-network.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbNetworkProblem, caltechAc, caltechNetwork, caltechSite } from './network-builders.ts';

/** Element by element: every charger of the element, each of its vehicles, sorted by vehicle. */
function referenceResolveNetwork(problem: Problem): ResolvedNetwork | undefined {
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

describe('resolveNetwork', () => {
  it('equals the element-by-element construction on random networks', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 8, maxSlots: 3 }), (p) => {
        expect(resolveNetwork(p)).toStrictEqual(referenceResolveNetwork(p));
      }),
      fcParams(1603, 150),
    );
  });

  it('equals the element-by-element construction on the Caltech network, any chargers in any order, some shared', () => {
    const chargerIds = caltechSite().chargers.map((c) => c.id);
    const network = caltechNetwork(40);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: chargerIds.length - 1 }), { minLength: 0, maxLength: 40 }), (picks) => {
        const p: Problem = {
          currency: 'USD',
          slotCount: 1,
          slotHours: 1 / 12,
          importPricePerKwh: [0.1],
          importLimitKw: [1000],
          exportLimitKw: [0],
          network,
          vehicles: picks.map((k, i) => ({
            id: `v${i}`,
            chargerId: chargerIds[k]!,
            arrivalSlot: 0,
            departureSlot: 1,
            capacityKwh: 60,
            energyKwh: 10,
            targetEnergyKwh: 20,
            acLimit: caltechAc(),
          })),
        };
        expect(resolveNetwork(p)).toStrictEqual(referenceResolveNetwork(p));
      }),
      fcParams(1604, 200),
    );
  });
});
