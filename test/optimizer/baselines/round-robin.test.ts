/**
 * Round robin gives the served prefix the shares its test computed (issue 16, session 11): the binary search's last
 * prefix found to serve everyone is the one served, so its shares are kept instead of filling it again. The plans
 * must equal those of the algorithm that fills the served prefix again (the reference below: round-robin.ts as on
 * main eda25e3), bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChargeAllocation, minPowerSlackKw } from '../../../optimizer/baselines/allocation.ts';
import { fairSharesKw, roundRobinPowerKw, waterLevelKw } from '../../../optimizer/baselines/round-robin.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem, type ResolvedProblem } from '../../../optimizer/resolved-problem.ts';
import { arbNetworkProblem, caltechAc, caltechNetwork } from '../network/network-builders.ts';
import { aProblem, arbProblem, aVehicle } from '../problem-builders.ts';
import { fcParams } from '../solve-helpers.ts';

interface Claim {
  readonly index: number;
  readonly ceilingKw: number;
  readonly minKw: number;
}

/** Round robin filling the served prefix again after the search (main eda25e3). */
function referenceRoundRobinKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp);
  const sharesKw = (t: number, claims: readonly Claim[]): Map<number, number> => {
    if (alloc.network) return fairSharesKw(alloc, t, claims);
    const level = waterLevelKw(claims.map((c) => c.ceilingKw), alloc.headroomKw(t));
    return new Map(claims.map((c) => [c.index, Math.min(c.ceilingKw, level)]));
  };
  for (let t = 0; t < rp.slotCount; t++) {
    const claims: Claim[] = [];
    for (const i of alloc.waitingAt(t)) {
      const ceilingKw = alloc.ceilingKw(i, t);
      if (ceilingKw > 0) claims.push({ index: i, ceilingKw, minKw: rp.vehicles[i]!.minChargeKw });
    }
    const n = claims.length;
    if (n === 0) continue;
    const offset = t % n;
    const rotated = [...claims.slice(offset), ...claims.slice(0, offset)];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const prefix = rotated.slice(0, mid);
      const shares = sharesKw(t, prefix);
      if (prefix.every((c) => shares.get(c.index)! >= c.minKw - minPowerSlackKw)) lo = mid;
      else hi = mid - 1;
    }
    const served = rotated.slice(0, lo);
    const shares = sharesKw(t, served);
    const byCeiling = [...served].sort((a, b) => a.ceilingKw - b.ceilingKw || a.index - b.index);
    for (const c of byCeiling) alloc.give(c.index, t, shares.get(c.index)!, true);
    for (const c of rotated.slice(lo)) alloc.give(c.index, t);
  }
  return alloc.powerKw;
}

/** `n` Caltech AB-pair chargers behind a transformer of `ratingKva`: congested line pairs, minimum currents. */
function abFleet(n: number, ratingKva: number, minCurrentA: number): Problem {
  const ids = ['CA-308', 'CA-508', 'CA-303', 'CA-513', 'CA-310', 'CA-506', 'CA-316', 'CA-500', 'CA-318', 'CA-498', 'CA-304', 'CA-148'];
  return aProblem({
    slotCount: 5,
    slotHours: 0.25,
    network: caltechNetwork(ratingKva),
    vehicles: ids.slice(0, n).map((chargerId, i) =>
      aVehicle({ id: `ev-${i}`, chargerId, arrivalSlot: i % 2, departureSlot: 3 + (i % 3), energyKwh: 0, targetEnergyKwh: 20, maxChargeKw: undefined, acLimit: caltechAc(minCurrentA) }),
    ),
  });
}

describe('round robin keeps the shares of the served prefix from its search', () => {
  const same = (p: Problem) => {
    const rp = resolveProblem(p);
    expect(roundRobinPowerKw(rp)).toEqual(referenceRoundRobinKw(rp));
  };

  it('congested Caltech line pairs with minimum currents', () => {
    for (const kva of [2, 3.6, 5, 8, 12, 20, 40]) for (let n = 2; n <= 12; n += 2) for (const minA of [6, 12]) same(abFleet(n, kva, minA));
  });

  it('random networks', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 8, maxSlots: 6 }), (p) => same(p)),
      fcParams(16021, 150),
    );
  });

  it('random sites without a network (water-filling)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 8, maxSlots: 6 }), (p) => same(p)),
      fcParams(16022, 150),
    );
  });
});
