import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { quickChargeShare, quickChargeWeight, withQuickCharge, demandChargeFactor } from '../../scenarios/mpc-regularisers.ts';
import { rollingController } from '../../scenarios/policy-controllers.ts';
import { policyKind, policyNames, policyNeedsSolver, policyRegistry } from '../../scenarios/policy-names.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { weekShiftScenarios } from '../../scenarios/arrival-scenarios.ts';
import { forecastFromHistory } from '../../scenarios/arrival-forecast.ts';
import { mpcController, type Controller } from '../../scenarios/policies.ts';
import { demoInputs, highsBackend, steppingClock } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
});

/** Three vehicles, one flat price, a site limit that binds: many plans cost the same. */
function flatProblem(): Problem {
  return {
    slotCount: 16,
    slotHours: 0.25,
    importPricePerKwh: new Array<number>(16).fill(0.2),
    importLimitKw: new Array<number>(16).fill(12),
    vehicles: [
      { id: 'a', chargerId: 'c1', arrivalSlot: 0, departureSlot: 16, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 20, maxChargeKw: 11 },
      { id: 'b', chargerId: 'c2', arrivalSlot: 0, departureSlot: 10, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 16, maxChargeKw: 11 },
      { id: 'c', chargerId: 'c3', arrivalSlot: 0, departureSlot: 13, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 14, maxChargeKw: 11 },
    ],
  };
}

describe('the policy registry', () => {
  it('names every policy once, each with a description, and builds a controller for every rolling one', () => {
    expect(new Set(policyNames).size).toBe(policyNames.length);
    expect(policyNames.slice(0, 2)).toEqual(['mpc', 'offline']);
    for (const p of ['mpc-quick', 'mpc-plain', 'uncontrolled', 'fcfs', 'edf', 'llf', 'round-robin'] as const) expect(policyNames).toContain(p);
    const inputs = demoInputs();
    for (const p of policyNames) {
      expect(policyRegistry[p].description.length).toBeGreaterThan(10);
      expect(policyNeedsSolver(p)).toBe(p === 'offline' || p.startsWith('mpc'));
      if (p !== 'offline') expect(rollingController(inputs, p, { backend }).policy).toBe(p);
    }
    expect(policyKind('fcfs')).toEqual({ kind: 'baseline', baseline: 'uncontrolled' });
  });
});

describe('true uncontrolled and FCFS', () => {
  it('uncontrolled ignores the site limit (violations counted); fcfs stays within it and delivers no more', () => {
    const inputs = demoInputs({ site: { connectionImportKw: 45 }, controller: { departure: 'actual' } } as never);
    const free = computeKpis(runReplay(inputs, 'uncontrolled', { clock: steppingClock() }));
    const fcfs = computeKpis(runReplay(inputs, 'fcfs', { clock: steppingClock() }));
    expect(free.limitViolationKwh).toBeGreaterThan(0);
    expect(free.limitViolationCount).toBeGreaterThan(0);
    expect(free.peakImportKw).toBeGreaterThan(45);
    expect(fcfs.limitViolationKwh).toBe(0);
    expect(fcfs.energyDeliveredKwh).toBeLessThanOrEqual(free.energyDeliveredKwh + 1e-9);
  });
});

describe('the MPC regularisers', () => {
  it('quick charge: earlier slots cost less, a vehicle with less time left has the steeper slope, plain is unchanged', () => {
    const p = flatProblem();
    const w = quickChargeWeight(p, quickChargeShare.robust);
    expect(w).toBeCloseTo(0.01 * 0.2, 12);
    const r = withQuickCharge(p, 'robust');
    const [a, b] = r.vehicles.map((v) => v.chargePreferencePerKwh!);
    for (let t = 1; t < 10; t++) expect(a![t]!).toBeGreaterThan(a![t - 1]!);
    expect(b![1]! - b![0]!).toBeGreaterThan(a![1]! - a![0]!);
    expect(Math.max(...a!, ...b!)).toBeLessThanOrEqual(w + 1e-15);
    expect(withQuickCharge(p, 'plain')).toBe(p);
  });

  it('make the plan unique: reordering the vehicles gives the same powers (1e-6), and the bill is unchanged', () => {
    const p = withQuickCharge(flatProblem(), 'robust');
    const forward = solveWithBackend(p, backend);
    const reversed = solveWithBackend({ ...p, vehicles: [...p.vehicles].reverse() }, backend);
    expect(forward.status).toBe('optimal');
    for (const v of forward.vehicles) {
      const w = reversed.vehicles.find((x) => x.id === v.id)!;
      v.powerKw.forEach((kw, t) => expect(Math.abs(kw - w.powerKw[t]!)).toBeLessThanOrEqual(1e-6));
    }
    const plain = solveWithBackend(flatProblem(), backend);
    expect(Math.abs(forward.cost.netCost - plain.cost.netCost)).toBeLessThanOrEqual(1e-6);
    // Quick charge: everything as early as the limit allows; the vehicle leaving first is served first.
    expect(forward.site.importKw[0]).toBeCloseTo(12, 6);
    expect(forward.vehicles.find((v) => v.id === 'b')!.powerKw[0]).toBeCloseTo(11, 6);
  });

  it('the regularised LP claims no bound (its objective is not the bill)', () => {
    expect(solveWithBackend(withQuickCharge(flatProblem(), 'robust'), backend).stats.relaxationObjective).toBeUndefined();
  });

  it('demand charge: full keeps the price; horizon-share scales it by the share of the billing period left', () => {
    const h = 3_600_000;
    expect(demandChargeFactor('full', 0, 24 * h, 240 * h)).toBe(1);
    expect(demandChargeFactor('horizon-share', 0, 24 * h, 240 * h)).toBeCloseTo(0.1, 12);
    expect(demandChargeFactor('horizon-share', 230 * h, 254 * h, 240 * h)).toBe(1);
  });
});

describe('the scenario MPC (past weeks as arrival scenarios)', () => {
  it('sets powers only for plugged sessions, within the site limit, says how it decided, and combines one scenario as itself', () => {
    // Charge only, a limit the base load alone never reaches (at 30 kW it does, and every policy then counts violations).
    const inputs = demoInputs({ period: { end: '2023-06-05T12:00:00+02:00' }, site: { connectionImportKw: 45 }, assumptions: { v2gOptInShare: 0 } } as never);
    const scenarios = weekShiftScenarios(inputs, 2);
    const options = { variant: 'quick', demandCharge: 'full', rank: 'laxity', scenarios } as const;
    const decisions: { plugged: Set<string>; setpoints: Map<string, number>; message?: string }[] = [];
    const inner = mpcController(inputs, { backend }, { ...options, scenarioCombine: 'max' });
    const spy: Controller = {
      policy: 'mpc',
      decide(at, k, plugged, peak) {
        const d = inner.decide(at, k, plugged, peak);
        decisions.push({ plugged: new Set(plugged.map((p) => p.session.id)), setpoints: new Map(d.setpointsKw), ...(d.message !== undefined ? { message: d.message } : {}) });
        // One scenario: its mean and its max are the same decision.
        const one = { ...options, scenarios: scenarios.slice(0, 1) };
        const mean = mpcController(inputs, { backend }, { ...one, scenarioCombine: 'mean' }).decide(at, k, plugged, peak);
        const max = mpcController(inputs, { backend }, { ...one, scenarioCombine: 'max' }).decide(at, k, plugged, peak);
        for (const [id, kw] of mean.setpointsKw) expect(max.setpointsKw.get(id)).toBeCloseTo(kw, 9);
        // With the expected arrivals too: one more plan, and the decision says so.
        if (decisions.length === 1) {
          const withForecast = mpcController(inputs, { backend }, { ...options, forecast: forecastFromHistory(inputs) }).decide(at, k, plugged, peak);
          expect(withForecast.message).toMatch(/mean of the first slots of 3 arrival-scenario plans \(the last: the expected arrivals\)/);
        }
        return d;
      },
    };
    const k = computeKpis(runReplay(inputs, 'mpc', { solver: { backend }, clock: steppingClock(), controller: spy }));
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      for (const id of d.setpoints.keys()) expect(d.plugged.has(id)).toBe(true);
      expect([...d.setpoints.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(45 + 1e-6);
      expect(d.message).toMatch(/max of the first slots of 2 arrival-scenario plans/);
    }
    expect(k.limitViolationCount).toBe(0);
  }, 600_000);

  it('is refused on a three-phase network, naming it (its phantoms sit on no charger of it)', () => {
    const inputs = demoInputs();
    const withNetwork = { ...inputs, site: { ...inputs.site, network: {} as never } };
    expect(() => mpcController(withNetwork, { backend }, { variant: 'quick', demandCharge: 'full', scenarios: weekShiftScenarios(inputs, 1) })).toThrow(/three-phase network/);
  });
});
