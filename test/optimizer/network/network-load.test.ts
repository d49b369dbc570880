/** NetworkLoad (optimizer/network/network-load.ts): `fitsTogether` answers exactly whether `brokenBy` is empty. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkLoad } from '../../../optimizer/network/network-load.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbNetworkProblem } from './network-builders.ts';

describe('NetworkLoad.fitsTogether', () => {
  it('is true exactly when brokenBy finds no limit, on loaded random networks, near and far from the limits', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 8, maxSlots: 3 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }), (p, u) => {
        const rp = resolveProblem(p);
        const load = new NetworkLoad(rp.network!, rp.slotCount);
        const n = rp.vehicles.length;
        let next = 0;
        const draw = () => u[next++ % u.length]!;
        for (let i = 0; i < n; i++) load.add(i, 0, draw() * 3);
        const vehicles = Int32Array.from({ length: n }, (_, i) => i).filter(() => draw() < 0.7);
        for (const scale of [0, 0.5, 1, 2, 5, 10, 20, 50]) {
          const kw = Float64Array.from(vehicles, () => draw() * scale);
          for (const t of [0, rp.slotCount - 1]) {
            expect(load.fitsTogether(t, vehicles, kw)).toBe(load.brokenBy(t, vehicles, kw).length === 0);
          }
        }
      }),
      fcParams(8031, 200),
    );
  });
});
