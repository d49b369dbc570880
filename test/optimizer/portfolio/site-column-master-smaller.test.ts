/**
 * A cheaper site-column master (optimizer/portfolio/site-column-master.ts, issue 17 session 16): columns held as
 * differences from a per-site reference answer the same LP as the plain columns (property, random masters), and
 * dropping columns long at weight 0 keeps the master's optimum at the solve it follows and the dropped columns at
 * weight 0; the HiGHS session's `deleteCols` keeps the other columns' basis and refuses bad indices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { LinearProgramBuilder } from '../../../optimizer/linear-program.ts';
import { SiteColumnMaster } from '../../../optimizer/portfolio/site-column-master.ts';

/** A random master: T slots, S sites, each with `perSite` columns (cost, net kW per slot), an import limit per slot. */
const masterArb = fc
  .record({ T: fc.integer({ min: 1, max: 6 }), S: fc.integer({ min: 1, max: 4 }), perSite: fc.integer({ min: 1, max: 5 }), seed: fc.integer({ min: 1, max: 1_000_000 }) })
  .map(({ T, S, perSite, seed }) => {
    let x = seed;
    // A small LCG: seeded, so every run draws the same masters for a seed.
    const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const columns = Array.from({ length: S * perSite }, (_, k) => ({
      site: k % S,
      cost: Math.round(100 * next()) / 4,
      // Some entries equal across a site's columns (as the relaxations' are where nothing is flexible).
      netKw: Array.from({ length: T }, (_, t) => (t % 2 === 0 ? 10 + (k % S) : Math.round(40 * next()) - 10)),
    }));
    const importLimitKw = Array.from({ length: T }, () => Math.round(15 * S * next()) + 5);
    return { T, S, columns, importLimitKw };
  });

describe('site-column master with per-site reference columns', () => {
  it('property: the same optimum as the plain master (1e-6), optimal duals, and mixes that keep the limit', async () => {
    const highs = createHighsBackend(await loadHighs());
    fc.assert(
      fc.property(masterArb, fc.boolean(), ({ T, S, columns, importLimitKw }, fromLast) => {
        const plain = new SiteColumnMaster(highs, T, S, importLimitKw, new Array(T).fill(Infinity), 100);
        // References: each site's first (or last) column, as aggregate-decomposed.ts takes its first round's.
        const references = Array.from({ length: S }, (_, s) => (fromLast ? columns.filter((c) => c.site === s).at(-1)! : columns.find((c) => c.site === s)!).netKw);
        const shifted = new SiteColumnMaster(highs, T, S, importLimitKw, new Array(T).fill(Infinity), 100, references);
        try {
          plain.addColumns(columns);
          shifted.addColumns(columns);
          const a = plain.solve(10_000)!;
          const b = shifted.solve(10_000)!;
          expect(b.objective).toBeCloseTo(a.objective, 6);
          expect(b.excessKw).toBeCloseTo(a.excessKw, 6);
          // Prices: optimal duals can differ between optimal bases of a degenerate LP, so each master's duals are
          // checked by its dual objective (its rows' bounds: the shifted one's feeder limits are L_t - sum_s r_s[t]),
          // which strong duality makes the common optimum.
          const shiftKw = (t: number) => references.reduce((acc, r) => acc + r[t]!, 0);
          const dualValue = (m: typeof a, shifted: boolean) => m.convexDual.reduce((acc, d) => acc + d, 0) - m.priceKw.reduce((acc, p, t) => acc + p * (importLimitKw[t]! - (shifted ? shiftKw(t) : 0)), 0);
          expect(dualValue(a, false)).toBeCloseTo(a.objective, 6);
          expect(dualValue(b, true)).toBeCloseTo(a.objective, 6);
          // Each mix keeps the limit and the convexity rows.
          for (const m of [a, b]) {
            for (let s = 0; s < S; s++) expect(columns.reduce((acc, c, k) => acc + (c.site === s ? m.weights[k]! : 0), 0)).toBeCloseTo(1, 9);
            for (let t = 0; t < T; t++) expect(columns.reduce((acc, c, k) => acc + c.netKw[t]! * m.weights[k]!, 0) - importLimitKw[t]!).toBeLessThanOrEqual(m.excessKw + 1e-6);
          }
        } finally {
          plain.dispose();
          shifted.dispose();
        }
      }),
      { numRuns: 60, seed: 16 },
    );
  });
});

describe('dropping columns long at weight 0', () => {
  it('property: right after a drop the master re-solves to the same optimum; dropped columns stay at weight 0; later columns still count', async () => {
    const highs = createHighsBackend(await loadHighs());
    fc.assert(
      fc.property(masterArb, ({ T, S, columns, importLimitKw }) => {
        const master = new SiteColumnMaster(highs, T, S, importLimitKw, new Array(T).fill(Infinity), 100);
        try {
          master.addColumns(columns);
          const before = master.solve(10_000)!;
          const dropped = master.dropColumns(1);
          expect(master.liveColumns).toBe(columns.length - dropped);
          // Only columns at weight 0 go.
          const after = master.solve(10_000)!;
          expect(after.objective).toBeCloseTo(before.objective, 6);
          expect(after.weights.length).toBe(columns.length);
          // A column dropped has weight 0 from then on; new columns are indexed after every earlier one.
          master.addColumns([{ site: 0, cost: -1_000, netKw: new Array(T).fill(0) }]);
          const third = master.solve(10_000)!;
          expect(third.weights.length).toBe(columns.length + 1);
          // A free (negative cost, zero import) plan for site 0 takes all its weight.
          expect(third.weights[columns.length]).toBeCloseTo(1, 9);
          expect(third.objective).toBeLessThanOrEqual(after.objective + 1e-9);
        } finally {
          master.dispose();
        }
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('property: over rounds of new columns, a master dropping columns after 1 idle solve has the same optimum as one keeping all (dropped columns priced and put back)', async () => {
    const highs = createHighsBackend(await loadHighs());
    fc.assert(
      fc.property(fc.array(masterArb, { minLength: 2, maxLength: 5 }), (batches) => {
        // The rounds' columns: the first batch's shape (T, S, limits), each batch's columns in turn.
        const { T, S, importLimitKw } = batches[0]!;
        const rounds = batches.map((b) => b.columns.map((c) => ({ ...c, site: c.site % S, netKw: Array.from({ length: T }, (_, t) => c.netKw[t % c.netKw.length]!) })));
        const keeping = new SiteColumnMaster(highs, T, S, importLimitKw, new Array(T).fill(Infinity), 100);
        const dropping = new SiteColumnMaster(highs, T, S, importLimitKw, new Array(T).fill(Infinity), 100, rounds[0]!.slice(0, S).map((c) => c.netKw));
        try {
          let added = 0;
          for (const [i, columns] of rounds.entries()) {
            keeping.addColumns(columns);
            dropping.addColumns(columns);
            added += columns.length;
            const a = keeping.solve(10_000)!;
            const b = dropping.solve(10_000)!;
            expect(b.objective).toBeCloseTo(a.objective, 6);
            expect(b.weights.length).toBe(added);
            // The dropping master's mix is a mix of every column added: convex per site.
            const sofar = rounds.slice(0, i + 1).flat();
            for (let s = 0; s < S; s++) {
              const sum = sofar.reduce((acc, c, k) => acc + (c.site === s ? b.weights[k]! : 0), 0);
              if (sofar.some((c) => c.site === s)) expect(sum).toBeCloseTo(1, 9);
            }
            dropping.dropColumns(1);
            expect(dropping.liveColumns + dropping.dropped).toBe(added);
          }
        } finally {
          keeping.dispose();
          dropping.dispose();
        }
      }),
      { numRuns: 60, seed: 18 },
    );
  });

  it('drops nothing before the given number of solves in a row at weight 0', async () => {
    const master = new SiteColumnMaster(createHighsBackend(await loadHighs()), 1, 1, [100], [Infinity], 1000);
    master.addColumns([
      { site: 0, cost: 1, netKw: [10] },
      { site: 0, cost: 5, netKw: [10] },
    ]);
    master.solve(10_000);
    expect(master.dropColumns(2)).toBe(0);
    master.solve(10_000);
    expect(master.dropColumns(2)).toBe(1);
    const m = master.solve(10_000)!;
    master.dispose();
    expect([...m.weights]).toEqual([1, 0]);
    expect(m.objective).toBeCloseTo(1, 9);
  });
});

describe('HiGHS session deleteCols', () => {
  it('deletes nonbasic columns and re-solves from the basis kept; refuses indices out of range or not increasing', async () => {
    const highs = createHighsBackend(await loadHighs());
    // min x0 + 2 x1 + 3 x2 + 4 x3, x0 + x1 + x2 + x3 >= 1, each in [0, 1]: x0 = 1.
    const b = new LinearProgramBuilder();
    const cols = [1, 2, 3, 4].map((c) => b.addCol(c, 0, 1));
    for (const j of cols) b.entry(j, 1);
    b.endRow(1, Infinity);
    const session = highs.open(b.build());
    try {
      expect(session.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4 }).objective).toBeCloseTo(1, 9);
      session.deleteCols!(Int32Array.from([1, 3]));
      const again = session.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4 });
      expect(again.objective).toBeCloseTo(1, 9);
      expect(again.x?.length).toBe(2);
      expect(again.iterations).toBe(0);
      expect(() => session.deleteCols!(Int32Array.from([2]))).toThrow(/V2G_ERR_LP_DELETE_COLS/);
      expect(() => session.deleteCols!(Int32Array.from([1, 0]))).toThrow(/V2G_ERR_LP_DELETE_COLS/);
    } finally {
      session.dispose();
    }
  });
});
