/**
 * The row templates a problem takes from a recent one with the same key (template-cache.ts) are the ones
 * `magnitudeRowTemplates` builds for it: the key holds everything the templates read besides the network's elements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { magnitudeRowTemplates } from '../../../optimizer/network/magnitude-rows.ts';
import { rowTemplatesOf, templateCacheSize } from '../../../optimizer/network/template-cache.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbNetworkProblem } from './network-builders.ts';

const fresh = (p: Problem) => {
  const rp = resolveProblem(p);
  return magnitudeRowTemplates(rp, rp.network!);
};

/** Variants of `p` on the same network object: what a rolling horizon's decisions change. */
function variants(p: Problem): Problem[] {
  return [
    p,
    { ...p, importPricePerKwh: p.importPricePerKwh.map((x) => x * 2 + 0.01) }, // the same key: a hit
    { ...p, vehicles: [...p.vehicles].reverse() }, // other chargers in some positions
    { ...p, vehicles: p.vehicles.slice(1) }, // one left
    { ...p, vehicles: p.vehicles.map((v) => ({ ...v, v2gAllowed: !v.v2gAllowed })) }, // other directions
    { ...p, vehicles: p.vehicles.map((v, i) => (i === 0 ? { ...v, maxChargeKw: 0 } : v)) }, // one that cannot charge
  ];
}

describe('row templates shared by problems with the same key', () => {
  it('equal the templates built for the problem, in every order of recent problems', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 6, maxSlots: 4 }), fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 * templateCacheSize }), (p, order) => {
        const all = variants(p);
        for (const k of order) {
          const q = all[k]!;
          if (q.vehicles.length === 0) continue;
          expect(rowTemplatesOf(resolveProblem(q))).toEqual(fresh(q));
        }
      }),
      fcParams(16031, 120),
    );
  });

  it('are shared (not rebuilt) for a problem with the same key, and rebuilt when a direction changes', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 6, maxSlots: 4 }), (p) => {
        const [same, cheaper, , , flipped] = variants(p);
        const first = rowTemplatesOf(resolveProblem(same!));
        expect(rowTemplatesOf(resolveProblem(cheaper!))).toBe(first);
        const other = rowTemplatesOf(resolveProblem(flipped!));
        expect(other).toEqual(fresh(flipped!));
        if (JSON.stringify(fresh(flipped!)) !== JSON.stringify(first)) expect(other).not.toBe(first);
      }),
      fcParams(16032, 60),
    );
  });

  it('a problem without a network has none', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 3, maxSlots: 3 }), (p) => {
        const { network: _n, ...plain } = p;
        expect(rowTemplatesOf(resolveProblem(plain))).toEqual([]);
      }),
      fcParams(16033, 20),
    );
  });
});
