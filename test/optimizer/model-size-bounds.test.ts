/**
 * The model-size bounds (optimizer/model-size-bounds.ts) the HiGHS heap estimate rests on: on random problems with
 * charge tapers (constant and stepped) and three-phase networks, each energy form's built model has at most the
 * bounded rows, columns and nonzeros, and one network row per (limit, slot) pair stays within the network bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFormulation } from '../../optimizer/formulation.ts';
import { modelSize } from '../../optimizer/model-size-bounds.ts';
import { magnitudeRowTemplates } from '../../optimizer/network/magnitude-rows.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { arbNetworkProblem } from './network/network-builders.ts';

const arbTaper = fc.record({
  startSoc: fc.integer({ min: 0, max: 95 }).map((x) => x / 100),
  endPowerFraction: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  fullPowerKw: fc.integer({ min: 1, max: 50 }),
  stepsPerSlot: fc.constantFrom(undefined, 1, 3, 6),
});

/** Random network problems whose vehicles get random tapers (or none). */
const arbTaperedNetworkProblem = fc
  .tuple(arbNetworkProblem({ maxVehicles: 6, maxSlots: 16 }), fc.array(fc.option(arbTaper, { nil: undefined }), { minLength: 6, maxLength: 6 }))
  .map(([p, tapers]): Problem => ({
    ...p,
    vehicles: p.vehicles.map((v, i) => {
      const t = tapers[i];
      if (t === undefined) return v;
      const { stepsPerSlot, ...rest } = t;
      return { ...v, chargeTaper: { ...rest, ...(stepsPerSlot !== undefined ? { stepsPerSlot } : {}) } };
    }),
  }));

describe('modelSize', () => {
  it('bounds the rows, columns and nonzeros of both energy forms as built', () => {
    fc.assert(
      fc.property(arbTaperedNetworkProblem, (problem) => {
        const s = modelSize(problem);
        const rp = resolveProblem(problem);
        for (const form of ['chain', 'prefix'] as const) {
          const { lp } = buildFormulation(rp, undefined, form);
          const bound = form === 'chain' ? s.chain : { ...s.prefix, nonzeros: s.prefix.nonzeros + s.prefixEnergyNonzeros };
          expect(lp.numRows).toBeLessThanOrEqual(bound.rows);
          expect(lp.numCols).toBeLessThanOrEqual(bound.columns);
          expect(lp.colIndex.length).toBeLessThanOrEqual(bound.nonzeros);
        }
      }),
      { seed: 20261207, numRuns: 150 },
    );
  });

  it('counts a (limit, slot) pair only where a vehicle under the limit is plugged in', () => {
    fc.assert(
      fc.property(arbTaperedNetworkProblem, (problem) => {
        const s = modelSize(problem);
        const rp = resolveProblem(problem);
        const templates = rp.network ? magnitudeRowTemplates(rp, rp.network) : [];
        // Per limit and slot, the most entries one of its rows can have: its plugged vehicles' columns.
        const limits = new Set(templates.map((t) => t.limit));
        let pairs = 0;
        for (const limit of limits) {
          for (let t = 0; t < rp.slotCount; t++) {
            const plugged = templates.some((row) => row.limit === limit && row.vehicles.some((i) => rp.vehicles[i]!.arrivalSlot <= t && t < rp.vehicles[i]!.endSlot));
            if (plugged) pairs++;
          }
        }
        expect(pairs).toBeLessThanOrEqual(s.networkLimitSlots);
        if (problem.network === undefined) expect(s.networkNonzeros).toBe(0);
      }),
      { seed: 20261207, numRuns: 150 },
    );
  });
});
