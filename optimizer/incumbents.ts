/**
 * The incumbents of an anytime solve: every plan the solve finds (the LP's answer, the repaired or exact
 * plan, the LP made feasible by rounding, the baselines) is offered here, and the cheapest one that passes
 * the independent validator is the one returned. So a plan that leaves the optimizer never costs more
 * than any valid plan the solve had in hand - however the solve ended (finished, out of time, or failed).
 *
 * Candidates are validated lazily, cheapest first, when the winner is chosen: only candidates that could
 * win meet the validator (it costs about as much as assembling a plan).
 */
import { baselineNames, runBaseline, type BaselineName } from './baselines/index.ts';
import { assemblePlan, emptyStats } from './plan-assembly.ts';
import type { Plan, PlanCandidate, PlanSource } from './plan.ts';
import { validatePlan } from './plan-validator.ts';
import type { Problem } from './problem.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** A cheaper candidate wins only when cheaper by more than this, relative to max(1, |objective|). */
export const incumbentRelTolerance = 1e-9;

interface Entry {
  readonly plan: Plan;
  readonly candidate: PlanCandidate;
  readonly order: number;
  /** What the candidates are ranked by: the plan's objective, plus its charge preferences with `regularised`. */
  readonly rankObjective: number;
}

/**
 * How candidates are ranked: `billed` (the plan's objective: what the bill and the shortfall penalty charge) or
 * `regularised` (that plus the problem's charge preferences on the plan's charging, `preferenceCost`: the objective
 * the LP itself minimised). With `regularised` a baseline (e.g. `alap`, which defers every kWh to the last cheap
 * slots) no longer wins over the repaired LP plan by ignoring the regularisers the plan was asked to keep; a
 * returned plan may then cost more (billed) than a baseline, by at most the preferences it avoids.
 */
export type CandidateObjective = 'billed' | 'regularised';

/**
 * The charge preferences of `problem` on `plan`'s charging (currency): the sum over vehicles and slots of
 * `chargePreferencePerKwh[t]` x the charged energy (positive power x slot hours), as the LP's objective counts them.
 */
export function preferenceCost(problem: Problem, plan: Plan): number {
  let sum = 0;
  const planned = new Map(plan.vehicles.map((v) => [v.id, v.powerKw]));
  for (const v of problem.vehicles) {
    const preference = v.chargePreferencePerKwh;
    const powerKw = planned.get(v.id);
    if (preference === undefined || powerKw === undefined) continue;
    for (let t = 0; t < powerKw.length; t++) if (powerKw[t]! > 0) sum += preference[t]! * powerKw[t]! * problem.slotHours;
  }
  return sum;
}

/** Among equal objectives (within the tolerance), the solver's own plan wins, then the repair's, ... */
const sourceRank: Readonly<Record<PlanSource, number>> = { lp: 0, milp: 0, decomposition: 1, 'lp-repair': 1, 'lp-rounded': 2, baseline: 3, idle: 4 };

/** The winner and what happened to the candidates. */
export interface IncumbentChoice {
  readonly plan: Plan;
  readonly candidate: PlanCandidate;
  /** Every valid candidate, cheapest first (candidates never validated because a cheaper one won count as valid: they lost anyway). */
  readonly candidates: readonly PlanCandidate[];
  /** One sentence per candidate that failed the validator. */
  readonly rejected: readonly string[];
}

function label(c: PlanCandidate): string {
  return c.source === 'baseline' ? `${c.baseline} baseline` : c.source;
}

export class Incumbents {
  private readonly entries: Entry[] = [];
  private readonly later: (() => void)[] = [];

  constructor(
    private readonly problem: Problem,
    private readonly rp: ResolvedProblem,
    private readonly rankBy: CandidateObjective = 'billed',
  ) {}

  /** Offers a plan; `baseline` names it when `source` is `baseline`. */
  offer(plan: Plan, source: PlanSource, baseline?: BaselineName): void {
    const candidate: PlanCandidate = { source, ...(baseline !== undefined ? { baseline } : {}), objective: plan.cost.objective };
    const rankObjective = this.rankBy === 'regularised' ? plan.cost.objective + preferenceCost(this.problem, plan) : plan.cost.objective;
    this.entries.push({ plan, candidate, order: this.entries.length, rankObjective });
  }

  /**
   * Keeps a candidate to make only if needed (`offerPending`): one that cannot beat a plan within the MIP gap
   * of the LP bound by more than that gap, so making it (assembling a plan) is skipped when such a plan wins.
   */
  offerLater(make: () => void): void {
    this.later.push(make);
  }

  /** Makes and offers every candidate kept by `offerLater`. */
  offerPending(): void {
    for (const make of this.later.splice(0)) make();
  }

  /** Offers every baseline's plan (linear-time each). */
  offerBaselines(): void {
    for (const name of baselineNames) this.offer(runBaseline(name, this.rp), 'baseline', name);
  }

  /** Objective of the cheapest candidate offered so far (validated or not); undefined before any. */
  bestObjective(): number | undefined {
    let best: number | undefined;
    for (const e of this.entries) if (best === undefined || e.plan.cost.objective < best) best = e.plan.cost.objective;
    return best;
  }

  /** The cheapest valid candidate; all vehicles idle when none is valid (idle always is). */
  choose(): IncumbentChoice {
    const sorted = [...this.entries].sort((a, b) => {
      const margin = incumbentRelTolerance * Math.max(1, Math.abs(a.rankObjective), Math.abs(b.rankObjective));
      const diff = a.rankObjective - b.rankObjective;
      return Math.abs(diff) <= margin ? sourceRank[a.candidate.source] - sourceRank[b.candidate.source] || a.order - b.order : diff;
    });
    const rejected: string[] = [];
    for (const [i, entry] of sorted.entries()) {
      const violations = validatePlan(this.problem, entry.plan);
      if (violations.length === 0) {
        const candidates = sorted.slice(i).map((e) => e.candidate);
        return { plan: entry.plan, candidate: entry.candidate, candidates, rejected };
      }
      const first = violations.slice(0, 3).map((v) => v.message).join('; ');
      rejected.push(`${label(entry.candidate)} plan failed validation (${violations.length}): ${first}`);
    }
    const idle = assemblePlan(this.rp, {
      status: 'feasible',
      powerKw: this.rp.vehicles.map(() => new Float64Array(this.rp.slotCount)),
      stats: emptyStats('uncontrolled'),
    });
    const candidate: PlanCandidate = { source: 'idle', objective: idle.cost.objective };
    return { plan: idle, candidate, candidates: [candidate], rejected };
  }
}

export { label as candidateLabel };
