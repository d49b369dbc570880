/**
 * A site's plan within its caps and, on the same open HiGHS model, its uncapped LP at the same prices (issue 17
 * session 14): aggregate-first's Lagrangian bound without a second round of cold site solves.
 *
 * The model is a resident site (resident-site.ts) that lives for this one request: built from the site's problem
 * with the request's import caps (so it has the import excess columns the capped problem needs), answered within the
 * caps (LP, then the LP repair on the same model: the plan), then the caps are lifted (the import, export and excess
 * columns' bounds as an uncapped build would give them, the uncapped adder prices) and the LP is re-solved on the same
 * model: since issue 17 session 16 both LPs start from the greedy crash basis of their priced problem by default
 * (`BoundSolveOptions`; the uncapped LP `how: 'crash'`), before that from the slack basis and the capped LP's basis. That LP optimum is the uncapped priced problem's LP
 * optimum, a proven lower bound of its optimum (tested against a cold solve, 1e-6 relative). A capped request the
 * model cannot take is solved by `cold` (said in `how`), the uncapped LP then on the model without a basis (`first`);
 * an uncapped LP that HiGHS does not call optimal answers `pricedBound: -Infinity` with why. With `uncappedPlan` the
 * uncapped LP is then repaired into the uncapped plan on the same model (`UncappedLp.plan`, issue 17 session 15). Synchronous HiGHS:
 * run on a solver thread (SolverPool.solveWithBound) or where the event loop may block.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { ResidentSite, type ResidentAnswer, type ResidentOptions } from './resident-site.ts';
import { uncappedAdderOf, withImportCap, type SiteRequest, type UncappedLp } from './site-subproblem.ts';

/** The capped plan, how it was made (`first` on the open model, or `cold` and why), and the uncapped LP. */
export interface CappedWithUncapped {
  readonly plan: Plan;
  readonly how: ResidentAnswer['how'];
  readonly coldReason?: string;
  readonly uncapped: UncappedLp;
}

/**
 * How the two LPs of `solveWithUncappedLp` start (issue 17 session 16): the capped LP from HiGHS's slack basis or the
 * greedy crash basis of the capped priced problem (`firstStart`, default `crash` here), the uncapped LP from the capped
 * LP's basis (`last`) or the greedy crash basis of the uncapped priced problem (`uncappedStart`, default `crash`).
 * Both LP optima are the same from any start (the capped LP's vertex, and so its repaired plan, may differ). Measured
 * on captured flow children (bench/RESULTS.md, issue 17 session 16): -3 to -12 % child CPU summed over 3-6 sites (per
 * site -30 % to +21 %), -2.8 % at 200 x 500 on Redis; the capped LP's crash start carries it, the uncapped LP's start
 * is a wash (with the capped round at 0 x the feeder prices, costs and bounds both move between the two LPs).
 */
export interface BoundSolveOptions extends ResidentOptions {
  /** The uncapped LP: from the capped LP's basis (`last`) or from the greedy crash basis of the uncapped problem (`crash`, default). */
  readonly uncappedStart?: 'last' | 'crash';
}

/** See the file's comment. `problem` is the site's base problem, `request` the coordinator's (caps, adder). */
export async function solveWithUncappedLp(problem: Problem, request: SiteRequest, backend: LpBackend, cold: (priced: Problem) => Promise<Plan>, options: BoundSolveOptions = {}): Promise<CappedWithUncapped> {
  const buildFrom = request.importCapKw ? withImportCap(problem, request.importCapKw) : problem;
  const { uncappedStart, ...resident } = options;
  const site = new ResidentSite(problem, backend, cold, { firstStart: 'crash', ...resident, buildFrom });
  try {
    const { uncappedBound: _asked, uncappedPlan: _plan, uncappedAdderPerKwh: _at, ...capped } = request;
    const answer = await site.answer(capped);
    const adderPerKwh = uncappedAdderOf(request);
    const lp = site.uncappedLp({ adderPerKwh }, uncappedStart ?? 'crash');
    // The uncapped plan (SiteRequest.uncappedPlan): the same model from the uncapped LP's basis, repaired as a capped
    // answer is; only when the LP was optimal (cold only where the model refuses it or its repair fails, as a capped answer).
    const best = request.uncappedPlan && Number.isFinite(lp.pricedBound) ? await site.answer({ adderPerKwh }) : undefined;
    const uncapped = best ? { ...lp, plan: best.solution.plan } : lp;
    return { plan: answer.solution.plan, how: answer.how, ...(answer.coldReason !== undefined ? { coldReason: answer.coldReason } : {}), uncapped };
  } finally {
    site.dispose();
  }
}
