/**
 * The contract of the decomposition flow's jobs (BullMQ, JSON data and results).
 *
 * Every coordinator step is ONE BullMQ flow (FlowProducer): a parent job on the coordinator's own queue
 * (`decomposition-coordinator-<solveId>`) with one child per shard on that shard's queue. BullMQ runs the
 * parent when every child has finished (children use `ignoreDependencyOnFailure`, so a failed child does
 * not leave the parent waiting forever); the coordinator's worker reads the children's results with
 * `getChildrenValues()` and their failures with `getIgnoredChildrenFailures()`.
 *
 * Child jobs (name = step), data always `{ solveId, shard }` plus:
 * - `open`:  `vehicles` (wire.ts packVehicles), `groupOf` (Int32 base64), `slotCount`, `slotHours`,
 *            `groupCount`. The worker process builds the shard and keeps it, cached by solve id.
 *            Result `{ shard, vehicles, computeMs }`.
 * - `price`: `lambdaKw` (Float64 base64, T numbers), `answerSet` (index it will get). Result
 *            `{ shard, objective, sumKw, groupSumKw, groupCost, computeMs }` (Float64 base64: T, G x T, G).
 * - `plan`:  `weights` (Float64 base64, answer sets x G). Result `{ shard, powers, computeMs }` (stays).
 * - `close`: drops the shard. Result `{ shard }`.
 * A worker that does not hold the shard of `solveId` (it restarted, or the state was evicted) fails the
 * child permanently with `V2G_ERR_DECOMPOSITION_SHARD_LOST`; so does an `answerSet` that does not match.
 */

/** Steps of a solve; each is one flow. */
export type StepName = 'open' | 'price' | 'plan' | 'close';

export interface ChildData {
  readonly solveId: string;
  readonly shard: number;
  readonly vehicles?: string;
  readonly groupOf?: string;
  readonly slotCount?: number;
  readonly slotHours?: number;
  readonly groupCount?: number;
  readonly lambdaKw?: string;
  readonly answerSet?: number;
  readonly weights?: string;
}

export interface ChildResult {
  readonly shard: number;
  /** Wall clock (Date.now, ms) when the worker took the job and when it finished (for latency accounting). */
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  /** The worker process's peak resident set (MB), reported with `plan`. */
  readonly peakRssMb?: number;
  readonly computeMs?: number;
  readonly vehicles?: number;
  readonly objective?: number;
  readonly sumKw?: string;
  readonly groupSumKw?: string;
  readonly groupCost?: string;
  readonly powers?: string;
}

/** The coordinator's queue of one solve (parents only). */
export const coordinatorQueueName = (solveId: string): string => `decomposition-coordinator-${solveId}`;
