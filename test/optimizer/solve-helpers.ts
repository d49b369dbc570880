/**
 * Shared helpers of the solver tests: tolerances, a deep finiteness check, an independent re-simulation of
 * a plan's energy trajectory and the problem transformations of the metamorphic properties.
 */
import { expect } from 'vitest';
import type { Plan } from '../../optimizer/plan.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import { problemDefaults, type Problem } from '../../optimizer/problem.ts';

/** |a - b| within `rel` x max(1, |a|, |b|): relative for large objectives, absolute near 0. */
export function nearlyEqual(a: number, b: number, rel = 1e-6): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** |a - b| within `rel` x max(|a|, |b|), plus `abs` for answers at 0: relative however small the values. */
export function relativelyEqual(a: number, b: number, rel = 1e-6, abs = 1e-7): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

/** a <= b up to `rel` x max(1, |a|, |b|). */
export function atMost(a: number, b: number, rel = 1e-6): boolean {
  return a <= b + rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every number anywhere in `value` (arrays and objects, recursively); the paths of the ones that are not finite. */
export function nonFinitePaths(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path || '/'} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}/${i}`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}/${k}`));
  }
  return [];
}

/** The plan passes the validator, has no NaN or Infinity anywhere, and a status in `statuses`. */
export function expectGoodPlan(problem: Problem, plan: Plan, statuses: readonly Plan['status'][] = ['optimal', 'feasible']): void {
  const context = `status ${plan.status}${plan.message ? ` (${plan.message})` : ''}`;
  expect(validatePlan(problem, plan), context).toEqual([]);
  expect(nonFinitePaths(plan), context).toEqual([]);
  expect(statuses, context).toContain(plan.status);
}

/**
 * Re-simulates each vehicle's energy from its net power with the charge formula (p > 0) or the discharge
 * formula (p < 0) - never a mix, so a plan whose energies match has no slot that charges and discharges at
 * once - and returns the slots whose reported energy change differs.
 */
export function energyStepMismatches(problem: Problem, plan: Plan, tolKwh = 1e-6): string[] {
  const out: string[] = [];
  const dt = problem.slotHours;
  problem.vehicles.forEach((v, i) => {
    const vp = plan.vehicles[i]!;
    const etaC = v.chargeEfficiency ?? problemDefaults.chargeEfficiency;
    const etaD = v.dischargeEfficiency ?? problemDefaults.dischargeEfficiency;
    for (let t = 0; t < problem.slotCount; t++) {
      const p = vp.powerKw[t]!;
      const expected = p > 0 ? dt * etaC * p : p < 0 ? (dt * p) / etaD : 0;
      const actual = vp.energyKwh[t + 1]! - vp.energyKwh[t]!;
      if (Math.abs(actual - expected) > tolKwh) out.push(`${v.id} slot ${t}: energy step ${actual}, net power ${p} kW implies ${expected}`);
    }
  });
  return out;
}

/** Every price-like input times k: import and export prices, demand charge, degradation, shortfall penalty. */
export function scaleAllPrices(p: Problem, k: number): Problem {
  return {
    ...p,
    importPricePerKwh: p.importPricePerKwh.map((x) => x * k),
    ...(p.exportPricePerKwh ? { exportPricePerKwh: p.exportPricePerKwh.map((x) => x * k) } : {}),
    ...(p.demandCharge ? { demandCharge: { ...p.demandCharge, pricePerKw: p.demandCharge.pricePerKw * k } } : {}),
    shortfallPenaltyPerKwh: (p.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh) * k,
    vehicles: p.vehicles.map((v) =>
      v.degradationCostPerKwh === undefined ? v : { ...v, degradationCostPerKwh: v.degradationCostPerKwh * k },
    ),
  };
}

/** Only the import and export prices times k. */
export function scaleEnergyPrices(p: Problem, k: number): Problem {
  return {
    ...p,
    importPricePerKwh: p.importPricePerKwh.map((x) => x * k),
    ...(p.exportPricePerKwh ? { exportPricePerKwh: p.exportPricePerKwh.map((x) => x * k) } : {}),
  };
}

/** Net energy cost of a plan: what it pays for import less what it earns for export. */
export function netEnergyCost(plan: Plan): number {
  return plan.cost.energyCost - plan.cost.exportRevenue;
}


/**
 * fast-check parameters: a fixed seed and a modest run count, so the suite is fast and reproducible. For a
 * deeper search, `FC_SCALE=20 FC_SEED=7 npx vitest run test/optimizer` multiplies the runs and moves the seed.
 */
export function fcParams(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const scale = Number(process.env.FC_SCALE ?? 1);
  const offset = Number(process.env.FC_SEED ?? 0);
  return { seed: seed + offset, numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))) };
}
