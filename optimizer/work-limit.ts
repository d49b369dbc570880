/**
 * A deterministic work budget for a whole solve (`SolveOptions.workLimit`): simplex iterations of its LP solves
 * and branch-and-bound nodes of its MILP rounds, counted across every round (the first LP with its lazy network
 * rows, the LP repair's re-solves, each lazy MILP round). Unlike a wall-clock limit it stops the same solve at
 * the same point on any machine, however loaded: HiGHS's simplex and branch and bound are deterministic for the
 * same model and options (one thread), so the same inputs spend the same work and give the same plan.
 *
 * The wall-clock limit (`timeLimitMs`) stays as a safety net; a solve it stops says so (`WorkReport.reached`
 * 'time'), and its result then depends on the machine.
 */

/** The budget: absent fields are unlimited. */
export interface WorkLimit {
  /** Simplex iterations of every LP solve of the solve together (HiGHS `simplex_iteration_limit` per call: what is left). */
  readonly simplexIterations?: number;
  /** Branch-and-bound nodes of every MILP round together (HiGHS `mip_max_nodes` per round: what is left). */
  readonly mipNodes?: number;
}

/** Work a solve spent: deterministic for the same problem, options and solver version. */
export interface WorkSpent {
  /** Simplex iterations of its LP solves. */
  readonly simplexIterations: number;
  /** Branch-and-bound nodes of its MILP rounds. */
  readonly mipNodes: number;
  /** Simplex iterations inside its MILP rounds (as HiGHS reports them; not limited by `simplexIterations`). */
  readonly mipIterations: number;
}

/** A solve's budget, the work it spent, and which limit stopped it, if any. */
export interface WorkReport {
  readonly limit: WorkLimit;
  readonly spent: WorkSpent;
  /**
   * What stopped the solve: `simplexIterations` or `mipNodes` (the work budget: deterministic), `time` (the
   * wall-clock safety net: the result depends on the machine's speed and load); absent when nothing did.
   */
  readonly reached?: 'simplexIterations' | 'mipNodes' | 'time';
}

/** Field paths of a `WorkLimit` for error messages, and what each counts. */
export const workLimitFields = {
  simplexIterations: 'simplex iterations of the LP solves',
  mipNodes: 'branch-and-bound nodes of the MILP rounds',
} as const;

/** "1,234 of 5,000 simplex iterations, 0 of 100 MILP nodes" (unlimited: "1,234 simplex iterations (no limit)"). */
export function workBudgetText(report: Pick<WorkReport, 'limit' | 'spent'>): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const part = (spent: number, limit: number | undefined, what: string) => (limit === undefined ? `${n(spent)} ${what} (no limit)` : `${n(spent)} of ${n(limit)} ${what}`);
  return `${part(report.spent.simplexIterations, report.limit.simplexIterations, 'simplex iterations')}, ${part(report.spent.mipNodes, report.limit.mipNodes, 'MILP nodes')}`;
}
