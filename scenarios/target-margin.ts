/**
 * A delivery margin for the MPC's plans (scenarios/MPC.md, "Session 7"): each plugged vehicle is planned to its
 * target plus `marginKwh` (at most its capacity).
 *
 * Why: a plan that ends exactly on a vehicle's target leaves the replayed vehicle a few Wh short of it (measured on
 * the Caltech week at 20 kW, seed 1: 0.002-0.016 kWh below the target on about ten sessions), where a baseline
 * charging whole slots at full power ends on or above it. The KPIs count delivery up to the target only, so
 * the margin costs the plan a few Wh of energy per vehicle and can only raise the delivered energy the KPIs see.
 * The margin is a planning target, not a promise: the shortfall the optimizer reports is against the raised
 * target.
 */
import type { Problem } from '../optimizer/problem.ts';

/** `problem` with every vehicle's target raised by `marginKwh` (at most its capacity); unchanged at 0. */
export function withTargetMargin(problem: Problem, marginKwh: number): Problem {
  if (!(marginKwh >= 0) || !Number.isFinite(marginKwh)) throw new RangeError(`marginKwh: ${marginKwh} is not a finite energy >= 0`);
  if (marginKwh === 0) return problem;
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => (v.targetEnergyKwh > v.energyKwh ? { ...v, targetEnergyKwh: Math.min(v.capacityKwh, v.targetEnergyKwh + marginKwh) } : v)),
  };
}
