/**
 * A site's plan within its caps and, on the same open HiGHS model, its uncapped LP at the same prices (issue 17
 * session 14): aggregate-first's Lagrangian bound without a second round of cold site solves.
 *
 * The model is a resident site (resident-site.ts) that lives for this one request: built from the site's problem
 * with the request's import caps (so it has the import excess columns the capped problem needs), answered within the
 * caps (LP, then the LP repair on the same model: the plan), then the caps are lifted (the import, export and excess
 * columns' bounds as an uncapped build would give them, the same adder prices) and the LP is re-solved from the
 * capped LP's optimal basis (dual simplex: only bounds moved). That LP optimum is the uncapped priced problem's LP
 * optimum, a proven lower bound of its optimum (tested against a cold solve, 1e-6 relative). A capped request the
 * model cannot take is solved by `cold` (said in `how`), the uncapped LP then on the model without a basis (`first`);
 * an uncapped LP that HiGHS does not call optimal answers `pricedBound: -Infinity` with why. Synchronous HiGHS:
 * run on a solver thread (SolverPool.solveWithBound) or where the event loop may block.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { ResidentSite, type ResidentAnswer, type ResidentOptions } from './resident-site.ts';
import { withImportCap, type SiteRequest, type UncappedLp } from './site-subproblem.ts';

/** The capped plan, how it was made (`first` on the open model, or `cold` and why), and the uncapped LP. */
export interface CappedWithUncapped {
  readonly plan: Plan;
  readonly how: ResidentAnswer['how'];
  readonly coldReason?: string;
  readonly uncapped: UncappedLp;
}

/** See the file's comment. `problem` is the site's base problem, `request` the coordinator's (caps, adder). */
export async function solveWithUncappedLp(problem: Problem, request: SiteRequest, backend: LpBackend, cold: (priced: Problem) => Promise<Plan>, options: ResidentOptions = {}): Promise<CappedWithUncapped> {
  const buildFrom = request.importCapKw ? withImportCap(problem, request.importCapKw) : problem;
  const site = new ResidentSite(problem, backend, cold, { ...options, buildFrom });
  try {
    const { uncappedBound: _asked, ...capped } = request;
    const answer = await site.answer(capped);
    const uncapped = site.uncappedLp({ adderPerKwh: request.adderPerKwh });
    return { plan: answer.solution.plan, how: answer.how, ...(answer.coldReason !== undefined ? { coldReason: answer.coldReason } : {}), uncapped };
  } finally {
    site.dispose();
  }
}
