/** Messages between the solver pool (parent thread) and a solver worker thread. */
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import type { SolveOptions } from '../solve-problem.ts';
import type { SolveProgress } from '../solve-progress.ts';
import type { SiteRequest, UncappedLp } from '../portfolio/site-subproblem.ts';

/**
 * A portfolio site's solve on the thread's resident model of `key` (optimizer/portfolio/resident-models.ts):
 * `problem` is then the site's BASE problem and `request` its prices and caps; the plan answers the priced problem.
 */
export interface ResidentRequest {
  readonly key: string;
  readonly request: SiteRequest;
  /** All resident models of the thread at most this (bytes of HiGHS heap estimate). */
  readonly maxBytes: number;
  /** The version of `problem` (e.g. its hash): a model of the key built from another version is replaced (ResidentModels.answer). */
  readonly version?: string;
}

/** How a resident request was answered (resident-site.ts `ResidentAnswer`). */
export interface ResidentReply {
  readonly how: 'warm' | 'first' | 'cold';
  readonly coldReason?: string;
  /** Why the key's model was dropped and opened again (its problem changed), when it was. */
  readonly replaced?: string;
}

/** What a decomposed solve may be told across the thread boundary (plain numbers). */
export interface DecompositionRequestOptions {
  readonly targetGap?: number;
  readonly maxIterations?: number;
  readonly timeLimitMs?: number;
  /** Pricing threads (optimizer/decomposition/decompose.ts). */
  readonly threads?: number;
  readonly warmStart?: { readonly lambdaKw: readonly number[]; readonly nu: readonly number[]; readonly powerKw?: readonly (readonly number[])[] };
}

export type LpSolverName = 'highs' | 'lp-solver';

export interface SolveRequest {
  readonly id: number;
  readonly solver: LpSolverName;
  readonly problem: Problem;
  readonly options: SolveOptions;
  /** Default monolithic (the LP backend named by `solver`). */
  readonly engine?: 'monolithic' | 'decomposition';
  readonly decomposition?: DecompositionRequestOptions;
  /** Whether the caller listens to progress: then the worker posts `ProgressMessage`s while it solves. */
  readonly progress?: boolean;
  /** When the pool posted the request (ms, `performance.timeOrigin + performance.now()`: one time line across threads); the hand-over counts against the time limit. */
  readonly postedAtMs?: number;
  /**
   * Solve on the thread's resident model of this site (then `problem` is the base problem); with
   * `request.uncappedBound`, the uncapped LP follows on the same model (reply `uncapped`).
   */
  readonly resident?: ResidentRequest;
  /**
   * A portfolio site's plan within these caps and its uncapped LP on the same model, opened for this request only
   * (optimizer/portfolio/site-bound-solve.ts; then `problem` is the base problem; reply `uncapped`).
   */
  readonly boundRequest?: SiteRequest;
}

/** Progress of request `id` while it runs (optimizer/solve-progress.ts). */
export interface ProgressMessage {
  readonly id: number;
  readonly progress: SolveProgress;
}

export type SolveReply =
  | { readonly id: number; readonly ok: true; readonly plan: Plan; readonly heapBytes: number; readonly resident?: ResidentReply; readonly uncapped?: UncappedLp }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly heapBytes: number };

/** Sent once when the worker has loaded HiGHS and can take requests. */
export interface ReadyMessage {
  readonly ready: true;
  readonly highsVersion: string;
}
