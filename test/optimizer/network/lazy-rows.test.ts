/**
 * Lazy network rows: the answer of the lazy model is the answer of the model with every polygon row of
 * every slot built in (same optimum), with fewer rows; rows one model of a problem needed are built into
 * the next model of the same problem (a MILP round).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { buildFormulation, noIntegers } from '../../../optimizer/formulation.ts';
import { knownNetworkRows, lazyRowToleranceA, mostViolatedRows, seedNetworkRows, withLazyNetworkRows, type NetworkRowSeed, type NetworkRows } from '../../../optimizer/network/lazy-rows.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { fcParams, relativelyEqual } from '../solve-helpers.ts';
import { arbNetworkProblem, caltechAc, caltechNetwork } from './network-builders.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** The LP optimum with every (slot, template) row added before the first solve, and with lazy rows. */
function eagerAndLazy(p: Problem) {
  const options = { timeLimitMs: 60_000, mipRelGap: 1e-4 };
  const eagerRp = resolveProblem(p);
  const eager = buildFormulation(eagerRp, noIntegers);
  // Every row in before the first solve, behind the lazy session (which then finds nothing to add).
  const eagerSession = withLazyNetworkRows(highs.open(eager.lp), eager.networkRows, eager.lp.numRows);
  const lazyRp = resolveProblem(p);
  const lazy = buildFormulation(lazyRp, noIntegers);
  const lazySession = withLazyNetworkRows(highs.open(lazy.lp), lazy.networkRows, lazy.lp.numRows);
  try {
    const fullRows = allRows(eager);
    eagerSession.addRows(fullRows);
    const a = eagerSession.solve(options);
    const b = lazySession.solve(options);
    return { eager: a, lazy: b, eagerRows: eagerSession.rowCount(), lazyRows: lazySession.rowCount() };
  } finally {
    eagerSession.dispose();
    lazySession.dispose();
  }
}

/** Every template row of every slot as LP rows (over the formulation's columns). */
function allRows(f: ReturnType<typeof buildFormulation>) {
  const { templates, slotCount, charge, discharge } = f.networkRows;
  const lower: number[] = [];
  const upper: number[] = [];
  const starts = [0];
  const cols: number[] = [];
  const values: number[] = [];
  for (let t = 0; t < slotCount; t++) {
    for (const row of templates) {
      let n = 0;
      row.vehicles.forEach((i, k) => {
        for (const [col, sign] of [[charge[i]![t]!, 1], [discharge[i]![t]!, -1]] as const) {
          if (col < 0) continue;
          cols.push(col);
          values.push(sign * row.coefficients[k]!);
          n++;
        }
      });
      if (n === 0) continue;
      lower.push(row.lower);
      upper.push(row.upper);
      starts.push(cols.length);
    }
  }
  return { lower: Float64Array.from(lower), upper: Float64Array.from(upper), starts: Int32Array.from(starts), cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

describe('lazy network rows', () => {
  it('reach the optimum of the model with every row, with no more rows (random networks, pure LP)', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 8, minPower: false }), (p) => {
        const r = eagerAndLazy(p);
        expect(r.eager.status).toBe('optimal');
        expect(r.lazy.status).toBe('optimal');
        expect(relativelyEqual(r.eager.objective!, r.lazy.objective!, 1e-7, 1e-6), `${r.eager.objective} vs ${r.lazy.objective}`).toBe(true);
        expect(r.lazyRows).toBeLessThanOrEqual(r.eagerRows);
      }),
      fcParams(8201, 60),
    );
  });

  it('a congested Caltech slot needs a few of its polygon rows, not all', () => {
    // Ten AB chargers and ten CA chargers at 32 A under 30 kVA, one slot.
    const ab = ['CA-308', 'CA-508', 'CA-303', 'CA-513', 'CA-310', 'CA-506', 'CA-316', 'CA-500', 'CA-318', 'CA-498'];
    const ca = ['CA-307', 'CA-509', 'CA-309', 'CA-507', 'CA-306', 'CA-510', 'CA-315', 'CA-501', 'CA-319', 'CA-497'];
    const p = aProblem({
      slotCount: 1,
      slotHours: 1 / 12,
      importPricePerKwh: [0.1],
      network: caltechNetwork(30),
      vehicles: [...ab, ...ca].map((chargerId, i) => aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 1, energyKwh: 0, targetEnergyKwh: 10, maxChargeKw: undefined, acLimit: caltechAc(0) })),
    });
    const r = eagerAndLazy(p);
    expect(relativelyEqual(r.eager.objective!, r.lazy.objective!, 1e-7, 1e-6)).toBe(true);
    const base = buildFormulation(resolveProblem(p), noIntegers).lp.numRows;
    expect(r.lazyRows - base).toBeLessThan(r.eagerRows - base);
    expect(r.lazyRows - base).toBeGreaterThan(0);
  });

  it('rows a model of a problem needed are built into the next model of that problem', () => {
    const p = aProblem({
      slotCount: 1,
      slotHours: 1,
      importPricePerKwh: [0.1],
      network: caltechNetwork(10),
      vehicles: ['CA-308', 'CA-307'].map((chargerId, i) => aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 1, energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: undefined, acLimit: caltechAc(0) })),
    });
    const rp = resolveProblem(p);
    const first = buildFormulation(rp, noIntegers);
    expect(first.networkRows.inModel.size).toBe(0);
    const session = withLazyNetworkRows(highs.open(first.lp), first.networkRows, first.lp.numRows);
    try {
      expect(session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 }).status).toBe('optimal');
      const added = session.rowCount() - first.lp.numRows;
      expect(added).toBeGreaterThan(0);
      const second = buildFormulation(rp, noIntegers);
      expect(second.networkRows.inModel.size).toBe(added);
      expect(second.lp.numRows).toBe(first.lp.numRows + added);
    } finally {
      session.dispose();
    }
  });

  it('the scan over the vehicles with power finds the same rows, in the same order, as the scan over every vehicle of each row', () => {
    let found = 0;
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 6, maxSlots: 6, minPower: false }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (p, seed) => {
        const f = buildFormulation(resolveProblem(p), noIntegers);
        // Powers from zero to well past the limits, many exactly zero (idle vehicles are skipped by the fast scan).
        let state = seed || 1;
        const next = () => ((state = (Math.imul(state, 48271) >>> 0) % 2147483647) / 2147483647);
        const x = Float64Array.from({ length: f.lp.numCols }, () => (next() < 0.4 ? 0 : next() * 40));
        const inModel = new Map<number, number>();
        const templateCount = f.networkRows.templates.length;
        for (let key = 0; key < f.networkRows.slotCount * templateCount; key += 3) inModel.set(key, 0);
        for (const held of [new Map<number, number>(), inModel]) {
          const keys = mostViolatedRows(f.networkRows, x, held);
          expect(keys).toEqual(naiveMostViolatedRows(f.networkRows, x, held));
          found += keys.length;
        }
      }),
      fcParams(8202, 60),
    );
    expect(found).toBeGreaterThan(0);
  });
});

/** The lazy LP's answer for `p`, its model started with `seed`'s rows (when given); the rows its models held. */
function lazyLp(p: Problem, seed?: NetworkRowSeed) {
  const rp = resolveProblem(p);
  const seeded = seed === undefined ? 0 : seedNetworkRows(rp, seed);
  const f = buildFormulation(rp, noIntegers);
  const session = withLazyNetworkRows(highs.open(f.lp), f.networkRows, f.lp.numRows);
  try {
    return { answer: session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 }), seeded, builtWith: f.networkRows.inModel.size, held: knownNetworkRows(rp) };
  } finally {
    session.dispose();
  }
}

describe('network rows seeded from a neighbouring problem', () => {
  it('any rows of the full polygon model built in first leave the LP optimum unchanged (random networks and seeds)', () => {
    let seededRows = 0;
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 8, minPower: false }), fc.array(fc.nat(), { maxLength: 60 }), (p, picks) => {
        const plain = lazyLp(p);
        const names = resolvedTemplateNames(p);
        if (names.length === 0) return;
        // Rows of the full model chosen at random: as a neighbouring capacity's rows (same names, other bounds) are.
        const keys = [...new Set(picks.map((k) => k % (p.slotCount * names.length)))].sort((a, z) => a - z);
        const seeded = lazyLp(p, { slotCount: p.slotCount, templates: names, keys });
        seededRows += seeded.seeded;
        // A row over a slot where none of its vehicles has a column is not built (it holds nothing).
        expect(seeded.seeded).toBeLessThanOrEqual(keys.length);
        expect(seeded.builtWith).toBeLessThanOrEqual(seeded.seeded);
        expect(plain.answer.status).toBe('optimal');
        expect(seeded.answer.status).toBe('optimal');
        expect(relativelyEqual(plain.answer.objective!, seeded.answer.objective!, 1e-7, 1e-6), `${plain.answer.objective} vs ${seeded.answer.objective}`).toBe(true);
      }),
      fcParams(8203, 60),
    );
    expect(seededRows).toBeGreaterThan(100);
  });

  it('rows are matched by template name and slot: another order maps to the same rows, unknown names and slots are skipped', () => {
    const p = aProblem({
      slotCount: 2,
      slotHours: 1,
      importPricePerKwh: [0.1, 0.1],
      network: caltechNetwork(10),
      vehicles: ['CA-308', 'CA-307', 'CA-309'].map((chargerId, i) => aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 2, energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: undefined, acLimit: caltechAc(0) })),
    });
    const held = lazyLp(p).held!;
    expect(held.keys.length).toBeGreaterThan(0);
    const n = held.templates.length;
    // The same rows under a reversed template list, plus a row of a template the problem lacks and one of slot 5.
    const reversed: NetworkRowSeed = {
      slotCount: 6,
      templates: [...held.templates].reverse().concat(['no such limit @ 0 deg']),
      keys: [...held.keys.map((key) => Math.floor(key / n) * (n + 1) + (n - 1 - (key % n))), 0 * (n + 1) + n, 5 * (n + 1)].sort((a, z) => a - z),
    };
    const again = lazyLp(p, reversed);
    expect(again.seeded).toBe(held.keys.length);
    expect(again.held!.keys).toEqual(held.keys);
  });
});

/** The names of `p`'s network row templates, in the model's order. */
function resolvedTemplateNames(p: Problem): string[] {
  return buildFormulation(resolveProblem(p), noIntegers).networkRows.templates.map((t) => t.name);
}

/** The scan as it was before it read only vehicles with power: every vehicle of every row, every slot. */
function naiveMostViolatedRows(rows: NetworkRows, x: ArrayLike<number>, inModel: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  const n = rows.templates.length;
  for (let t = 0; t < rows.slotCount; t++) {
    const netKw = rows.charge.map((c, i) => (c[t]! >= 0 ? x[c[t]!]! : 0) - (rows.discharge[i]![t]! >= 0 ? x[rows.discharge[i]![t]!]! : 0));
    if (netKw.every((p) => p === 0)) continue;
    const worstBy = new Map<number, number>();
    const worstKey = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const key = t * n + k;
      if (inModel.has(key)) continue;
      const row = rows.templates[k]!;
      let activity = 0;
      for (let j = 0; j < row.vehicles.length; j++) activity += row.coefficients[j]! * netKw[row.vehicles[j]!]!;
      const by = Math.max(activity - row.upper, row.lower - activity);
      if (by <= lazyRowToleranceA + 1e-9 * Math.abs(row.upper)) continue;
      if (!worstBy.has(row.limit) || by > worstBy.get(row.limit)!) {
        worstBy.set(row.limit, by);
        worstKey.set(row.limit, key);
      }
    }
    out.push(...worstKey.values());
  }
  return out;
}
