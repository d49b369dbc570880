/**
 * A first LP started from the optimal basis of a neighbouring problem (the capacity above: network/seed-basis.ts)
 * reaches the LP optimum and bound of a cold start (metamorphic, random networks); a basis that does not fit
 * the model is not used, and the solve says why.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import type { NetworkRowSeed } from '../../../optimizer/network/lazy-rows.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { solveWithBackend, type NetworkRowsReport } from '../../../optimizer/solve-problem.ts';
import { fcParams, relativelyEqual } from '../solve-helpers.ts';
import { arbNetworkProblem, caltechAc, caltechNetwork } from './network-builders.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** `p` with every transformer line limit `factor` times its own (a neighbouring capacity of a sweep). */
function withTransformerScaled(p: Problem, factor: number): Problem {
  const t = p.network!.transformer!;
  return {
    ...p,
    network: {
      ...p.network!,
      transformer: {
        ...t,
        ...(t.secondaryMaxCurrentA !== undefined ? { secondaryMaxCurrentA: t.secondaryMaxCurrentA * factor } : {}),
        ...(t.primary !== undefined ? { primary: { ...t.primary, maxCurrentA: t.primary.maxCurrentA * factor } } : {}),
      },
    },
  };
}

/** `p` solved (LP, repair, incumbents) with `seed`'s rows (and basis) built in, keeping its first LP's basis. */
function solvedWith(p: Problem, seed?: NetworkRowSeed) {
  let report: NetworkRowsReport | undefined;
  const plan = solveWithBackend(p, highs, { timeLimitMs: 60_000 }, { ...(seed !== undefined ? { networkRowSeed: seed } : {}), keepFirstLpBasis: true, onNetworkRows: (r) => (report = r) });
  return { plan, held: report?.held, basisRefused: report?.basisRefused };
}

describe("a first LP started from the capacity above's optimal basis", () => {
  it('reaches the same status, objective and bound as a cold start and as the rows alone (random networks, 1e-6 relative)', () => {
    let warm = 0;
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 8, minPower: false }), fc.constantFrom(1.25, 1.5, 3), (p, factor) => {
        if (p.network?.transformer === undefined) return;
        const above = solvedWith(withTransformerScaled(p, factor));
        if (above.held === undefined) return;
        expect(above.held.basis?.keyRows.length).toBe(above.held.keys.length);
        const cold = solvedWith(p);
        const { basis: _basis, ...rowsOnly } = above.held;
        const rows = solvedWith(p, rowsOnly);
        const started = solvedWith(p, above.held);
        if (started.plan.stats.warmStart === 'basis') warm++;
        else expect(started.basisRefused).toBeDefined();
        expect(rows.plan.stats.warmStart).toBeUndefined();
        for (const other of [rows, started]) {
          expect(other.plan.status).toBe(cold.plan.status);
          // Without minimum powers the LP's answer is the plan: its objective is the LP optimum.
          expect(relativelyEqual(other.plan.cost.objective, cold.plan.cost.objective, 1e-6, 1e-6), `${other.plan.cost.objective} vs ${cold.plan.cost.objective}`).toBe(true);
          const a = other.plan.stats.relaxationObjective;
          const b = cold.plan.stats.relaxationObjective;
          expect(a === undefined ? b : relativelyEqual(a, b!, 1e-6, 1e-6), `bound ${a} vs ${b}`).toBe(a === undefined ? undefined : true);
        }
      }),
      fcParams(8204, 40),
    );
    expect(warm).toBeGreaterThan(5);
  });

  const twoSlots = () =>
    aProblem({
      slotCount: 2,
      slotHours: 1,
      importPricePerKwh: [0.1, 0.2],
      network: caltechNetwork(10),
      vehicles: ['CA-308', 'CA-307', 'CA-309'].map((chargerId, i) => aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 2, energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: undefined, acLimit: caltechAc(0) })),
    });

  it('is used only when the model matches it; otherwise the solve starts cold and says why', () => {
    const p = twoSlots();
    const above = solvedWith({ ...p, network: caltechNetwork(15) });
    expect(above.held?.basis).toBeDefined();
    const started = solvedWith(p, above.held);
    expect(started.plan.stats.warmStart).toBe('basis');
    expect(started.basisRefused).toBeUndefined();
    const cold = solvedWith(p).plan.cost.objective;
    const wider = { ...above.held!, basis: { ...above.held!.basis!, columns: `${above.held!.basis!.columns}0` } };
    const refused = solvedWith(p, wider);
    expect(refused.plan.stats.warmStart).toBeUndefined();
    expect(refused.basisRefused).toMatch(/columns, this model/);
    expect(relativelyEqual(refused.plan.cost.objective, cold, 1e-9, 1e-9)).toBe(true);
    // A row status list of another length, and a basis with one basic variable too many.
    expect(solvedWith(p, { ...wider, basis: { ...above.held!.basis!, keyRows: `${above.held!.basis!.keyRows}1` } }).basisRefused).toMatch(/network row statuses for/);
    const columns = above.held!.basis!.columns.replace(/[02]/, '1');
    expect(solvedWith(p, { ...above.held!, basis: { ...above.held!.basis!, columns } }).basisRefused).toMatch(/basic variables for/);
  });

  it("prices the seeded first run with Devex (no exact steepest-edge weights to compute), later runs with HiGHS's choice", () => {
    const p = twoSlots();
    const above = solvedWith({ ...p, network: caltechNetwork(15) });
    const calls: (string | undefined)[] = [];
    const recording: LpBackend = {
      name: 'highs',
      open(lp) {
        const session = highs.open(lp);
        return { ...session, solve: (o) => (calls.push(o.dualEdgeWeight), session.solve(o)) };
      },
    };
    const plan = solveWithBackend(p, recording, { timeLimitMs: 60_000 }, { networkRowSeed: above.held!, keepFirstLpBasis: true });
    expect(plan.stats.warmStart).toBe('basis');
    expect(calls[0]).toBe('devex');
    expect(calls.slice(1).every((c) => c === undefined)).toBe(true);
    calls.length = 0;
    solveWithBackend(p, recording, { timeLimitMs: 60_000 }, {});
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c === undefined)).toBe(true);
  });

  it('is kept only when asked (`keepFirstLpBasis`: the offline reference), and never carried in binding rows', () => {
    const p = twoSlots();
    let held: NetworkRowSeed | undefined;
    solveWithBackend({ ...p, network: caltechNetwork(15) }, highs, { timeLimitMs: 60_000 }, { onNetworkRows: (r) => (held = r.held) });
    expect(held).toBeDefined();
    expect(held!.basis).toBeUndefined();
    let binding: NetworkRowSeed | undefined;
    solveWithBackend(p, highs, { timeLimitMs: 60_000 }, { keepFirstLpBasis: true, networkRowsBindingShare: 1, onNetworkRows: (r) => (binding = r.binding) });
    expect(binding?.keys.length ?? 0).toBeGreaterThan(0);
    expect(binding!.basis).toBeUndefined();
  });
});
