/**
 * The one-screen summary `v2g solve` prints (adapters/cli/plan-summary.ts): status, solver and times,
 * every cost line, the peak, the shortfall by vehicle, and for LP backends the LP bound and the gap to it.
 */
import { describe, expect, it } from 'vitest';
import { formatPlanSummary } from '../../../adapters/cli/plan-summary.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { solveWithBaseline } from '../../../optimizer/solve-problem.ts';
import { aProblem, aVehicle } from '../../optimizer/problem-builders.ts';

// Two one-hour slots at 0.30 / 0.20, demand charge 1 per kW; ev-a wants 30 kWh more than 2 x 11 kW x 0.95
// can give (20.9 kWh): 9.1 kWh short.
const problem = aProblem({
  slotCount: 2,
  importPricePerKwh: [0.3, 0.2],
  demandCharge: { pricePerKw: 1 },
  vehicles: [
    aVehicle({ id: 'ev-a', departureSlot: 2, energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: 11 }),
    aVehicle({ id: 'ev-b', chargerId: 'cp-2', departureSlot: 2, energyKwh: 10, targetEnergyKwh: 10, maxChargeKw: 11 }),
  ],
});

describe('formatPlanSummary', () => {
  const plan = solveWithBaseline(problem, 'uncontrolled');
  const text = formatPlanSummary(plan, 'title line');

  it('shows the status, the solver with its times, and the horizon', () => {
    expect(text.split('\n')[0]).toBe('title line');
    expect(text).toMatch(/^status {9}feasible$/m);
    expect(text).toMatch(/^solver {9}uncontrolled: build \d+ ms, solve \d+ ms$/m);
    expect(text).toContain('horizon        2 slots of 60 min, 2 vehicles');
  });

  it('shows every cost line in the plan currency, and the peak', () => {
    // 11 kW in both slots: 0.3 x 11 + 0.2 x 11 = 5.50; peak 11 kW x 1 = 11.00.
    expect(text).toContain('cost (EUR)');
    expect(text).toMatch(/^ {2}energy +5\.50$/m);
    expect(text).toMatch(/^ {2}export +- +0\.00$/m);
    expect(text).toMatch(/^ {2}demand +11\.00 +peak import 11\.0 kW$/m);
    expect(text).toMatch(/^ {2}degradation +0\.00$/m);
    expect(text).toMatch(/^ {2}net cost +16\.50$/m);
    // 9.1 kWh short x 10 = 91.00 on top.
    expect(text).toMatch(/^ {2}objective +107\.50$/m);
  });

  it('names the vehicles that fall short, each with its reason', () => {
    expect(text).toContain('shortfall      9.10 kWh over 1 vehicle(s), penalty 91.00');
    expect(text).toMatch(/^ {2}ev-a +9\.10 kWh short \(own-limit: its charger and stay deliver at most 20\.90 kWh of the 30\.00 kWh required\)$/m);
    expect(text).not.toMatch(/ev-b .* short/);
  });

  it('an LP-backend plan shows its LP bound and the gap to it', () => {
    const withBound: Plan = { ...plan, stats: { ...plan.stats, backend: 'highs', relaxationObjective: 100 } };
    expect(formatPlanSummary(withBound)).toMatch(/^ {2}objective +107\.50 +LP bound 100\.0000, gap 7\.5000 %$/m);
  });

  it('an LP-backend plan names the energy-row form it was solved with (and a warm start) beside solver and rounds', () => {
    const lpStats = { ...plan.stats, backend: 'highs' as const, columns: 10, rows: 4, iterations: 7, rounds: 2 };
    const prefix = formatPlanSummary({ ...plan, stats: { ...lpStats, energyForm: 'prefix' } });
    expect(prefix).toMatch(/^solver {9}highs: build \d+ ms, solve \d+ ms, 10 columns x 4 rows, 7 iterations, 0 integer columns, 2 round\(s\), energy rows: prefix sums$/m);
    const chain = formatPlanSummary({ ...plan, stats: { ...lpStats, energyForm: 'chain', warmStart: 'basis' } });
    expect(chain).toMatch(/^solver .*2 round\(s\), energy rows: energy chain, first LP warm-started from an earlier basis$/m);
    const tapered = formatPlanSummary({ ...plan, stats: { ...lpStats, energyForm: 'prefix', taperRows: 3 } });
    expect(tapered).toMatch(/^solver .*energy rows: prefix sums, taper-aware: 3 charge-taper rows$/m);
  });

  it('with a network: the mean current unbalance and the most loaded elements against their limits', () => {
    // Two AB chargers at 208 V under a 40 A group breaker: uncontrolled fills the group to 40 A in both slots.
    const networked = {
      ...problem,
      network: { groups: [{ id: 'AB', connection: 'AB' as const, voltageV: 208, maxCurrentA: 40, chargerIds: ['cp-1', 'cp-2'] }], transformer: { secondaryMaxCurrentA: 100 } },
    };
    const text = formatPlanSummary(solveWithBaseline(networked, 'uncontrolled'), 'networked', networked);
    // Lines a and b carry the AB current (40 A), line c none: mean 26.67 A, largest deviation (line c) 26.67 A: 100 %.
    expect(text).toMatch(/^network {8}mean NEMA current unbalance 100\.0 % \(transformer secondary lines\)$/m);
    expect(text).toMatch(/^ {2}group AB +peak 40\.0 A of 40\.0 A \(100\.0 %\)$/m);
    expect(text).toMatch(/^ {2}transformer secondary line a +peak 40\.0 A of 100\.0 A \(40\.0 %\)$/m);
  });
});
