/**
 * What one enforcement of the mode rules (LP, repair, lazy MILP) answered: powers per vehicle and slot and
 * the PV curtailment, or, when it stopped early, its last LP answer to be rounded (lp-rounding.ts).
 */
import { extractCurtailment, extractPowers, type ColumnMap } from './formulation.ts';
import type { PlanStatus } from './plan.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** A solver's answer, before plan assembly. */
export interface Answer {
  readonly status: PlanStatus;
  /** Undefined when the solver gave no answer. */
  readonly powers?: Float64Array[];
  readonly pvCurtailedKw?: Float64Array;
  readonly message?: string;
  /** When the repair stopped early (time, error): its last LP answer, still with conflicts, to be rounded. */
  readonly partialX?: Float64Array;
}

export function answerFrom(rp: ResolvedProblem, columns: ColumnMap, x: Float64Array, status: PlanStatus, message?: string): Answer {
  return {
    status,
    powers: extractPowers(rp, columns, x),
    pvCurtailedKw: extractCurtailment(rp, columns, x),
    ...(message !== undefined ? { message } : {}),
  };
}
