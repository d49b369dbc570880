/**
 * Sizes: a generated 100,000-vehicle depot is a valid problem (its limits inside the schema's maximums),
 * and an issue that repeats over the entries of one array is reported once with the index ranges.
 */
import { describe, expect, it } from 'vitest';
import { foldSlotRuns, validateProblem } from '../../optimizer/problem-validation.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { aProblem } from './problem-builders.ts';

describe('problem sizes', () => {
  it('a generated 100,000-vehicle depot passes validateProblem', () => {
    const checked = validateProblem(generateDepot({ vehicles: 100_000, slots: 96, seed: 1 }));
    expect(checked.ok ? [] : checked.issues.slice(0, 3)).toEqual([]);
  });

  it('an import limit over the maximum in every slot is one issue with the slot range', () => {
    const checked = validateProblem(aProblem({ slotCount: 96, importLimitKw: new Array<number>(96).fill(2e6) }));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues).toEqual([{ path: '/importLimitKw', message: 'entries 0-95: must be <= 1000000' }]);
  });

  it('folds runs per array and message, keeps single issues as they were', () => {
    expect(
      foldSlotRuns([
        { path: '/pvKw/3', message: 'must be >= 0' },
        { path: '/pvKw/4', message: 'must be >= 0' },
        { path: '/pvKw/9', message: 'must be >= 0' },
        { path: '/vehicles/2/id', message: 'must be string' },
        { path: '/baseLoadKw/7', message: 'must be >= 0' },
      ]),
    ).toEqual([
      { path: '/pvKw', message: 'entries 3-4, 9: must be >= 0' },
      { path: '/vehicles/2/id', message: 'must be string' },
      { path: '/baseLoadKw/7', message: 'must be >= 0' },
    ]);
  });
});
