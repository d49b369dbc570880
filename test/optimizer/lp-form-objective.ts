/**
 * Test helper: the LP optimum of a problem in one energy-row form (chain or prefix), solved directly by
 * HiGHS without the repair, so two forms of the same model can be compared.
 */
import type { Highs } from 'highs';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { buildFormulation } from '../../optimizer/formulation.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';

/** The LP objective of `problem` built in `form`, or undefined when HiGHS does not prove it optimal. */
export function lpObjectiveInForm(highs: Highs, problem: Problem, form: 'chain' | 'prefix'): number | undefined {
  const session = createHighsBackend(highs).open(buildFormulation(resolveProblem(problem), undefined, form).lp);
  try {
    const answer = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4, presolve: form === 'chain' });
    return answer.status === 'optimal' ? answer.objective : undefined;
  } finally {
    session.dispose();
  }
}
