/**
 * The offline reference's budget (issue 13): a deterministic work budget (simplex iterations of its LPs, nodes
 * of its MILP rounds: optimizer/work-limit.ts), so that the same inputs and options give the same row, or the
 * same failure, on any machine however loaded; the wall clock (`offlineTimeLimitMs`, offline-optimum.ts) stays
 * only as a much larger safety net, and a row it ends says that it depends on machine speed. Every output that
 * names the offline says the budget, the work spent and whether it was reached (`offlineBudgetText` in the label;
 * `offlineBudgetSummary` for a sweep's terminal, sweep.md, sweep.html and sweep.json).
 */
import { workBudgetText, type WorkLimit, type WorkReport } from '../optimizer/work-limit.ts';
import type { SolverSetup } from './policies.ts';

/**
 * Default deterministic work budget of the one offline solve (work-limit.ts; `policy.offlineWorkLimit` per
 * field): the same inputs give the same row, or the same failure, on any machine however loaded. Sized from
 * measurement (bench/RESULTS.md, issue 13 session 14, helper i13b), cold solves (a warm one needs fewer):
 * - `simplexIterations` (every offline strategy: the LP, its network rounds, the LP repair): the March 2019
 *   network month took 149,366 at 10 kVA and 180,364 at 20 kVA (the most measured; 158 CPU s), the aggregate month
 *   21,946-34,550 at 10-45 kW, the Caltech week 881-1,032 at seeds 1-10. 2,000,000 is 11x the most: about
 *   1,500 CPU s at the network month's ~1,350-1,500 iterations per HiGHS CPU s, so on a quiet machine the budget
 *   ends a runaway solve before the 1 h wall-clock safety net does.
 * - `mipNodes` (the exact MILP: `offlineIntegerStrategy` milp, auto on the week): the week took 1-10 nodes over all
 *   its lazy MILP rounds (1-10 at seeds 1-10; 6 at 10 kW). 500 is 50x the most (a runaway MILP then stops
 *   at a stated, machine-independent point instead of at the wall clock).
 */
export const offlineWorkLimit: Required<WorkLimit> = { simplexIterations: 2_000_000, mipNodes: 500 };

/** The offline solve's work budget: `solver.offlineWorkLimit`'s fields over the defaults (`offlineWorkLimit`). */
export function offlineWorkLimitOf(solver: Pick<SolverSetup, 'offlineWorkLimit'>): Required<WorkLimit> {
  return { ...offlineWorkLimit, ...solver.offlineWorkLimit };
}

/**
 * The budget part of the label: "; work budget: 1,234 of 2,000,000 simplex iterations, 0 of 500 MILP nodes
 * (not reached)", "(reached: ...)", or "(wall-clock safety net reached: this row depends on machine speed)";
 * empty for a reused plan (no solve: the label says where it came from).
 */
export function offlineBudgetText(work: WorkReport | undefined): string {
  if (work === undefined) return '';
  const state =
    work.reached === undefined
      ? 'not reached'
      : work.reached === 'time'
        ? 'not reached; ended by the wall-clock safety net: this row depends on machine speed'
        : `reached: ${work.reached === 'mipNodes' ? 'MILP nodes' : 'simplex iterations'}`;
  return `; work budget: ${workBudgetText(work)} (${state})`;
}

/** What a sweep's offline rows say about their budget (`SweepProvenance.offlinePlan.work`). */
export interface OfflineRowBudget {
  readonly work?: WorkReport | null;
}

/**
 * One line on a sweep's offline rows for its terminal (`note: offline budget: ...`) and facts: the budget kind, how many rows were solved within
 * it, stopped at it, ended by the wall-clock safety net (machine-dependent: named), or reused (no solve); undefined
 * without offline rows.
 */
export function offlineBudgetSummary(rows: readonly OfflineRowBudget[]): string | undefined {
  if (rows.length === 0) return undefined;
  const solved = rows.filter((r) => r.work != null);
  const within = solved.filter((r) => r.work!.reached === undefined).length;
  const atWork = solved.filter((r) => r.work!.reached === 'simplexIterations' || r.work!.reached === 'mipNodes').length;
  const atTime = solved.filter((r) => r.work!.reached === 'time').length;
  const limit = solved[0]?.work?.limit;
  const kind = limit === undefined ? 'deterministic work budget' : `deterministic work budget (${[limit.simplexIterations !== undefined ? `${limit.simplexIterations.toLocaleString('en-US')} simplex iterations` : undefined, limit.mipNodes !== undefined ? `${limit.mipNodes.toLocaleString('en-US')} MILP nodes` : undefined].filter((x) => x !== undefined).join(', ')})`;
  const parts = [`${within} solved within it`, `${atWork} stopped at it`, `${atTime} ended by the wall-clock safety net${atTime > 0 ? ' (those rows depend on machine speed)' : ''}`, `${rows.length - solved.length} reused (no solve)`];
  return `${kind}; ${parts.join(', ')}`;
}
