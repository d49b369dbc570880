/** Messages between `v2g sweep` and its worker processes (IPC, structured clone). */
import type { SweepTaskInput } from '../../scenarios/sweep-task.ts';
import type { SweepFailure, SweepRun } from '../../scenarios/sweep-table.ts';

/**
 * Parent -> worker: run a task (data files read from `dataDir`), or stop. `offlinePlansDir` (a `capacity`
 * sweep): where offline plans are kept, so an offline run reuses them where exact: the chain's plans of the
 * capacities above (`chained`, the default: scenarios/offline-chained.ts) or the reference plan of its scenario
 * and seed (`independent`: scenarios/offline-canonical.ts; the task's `offlineRows` says which). `rollingRunsDir` (a
 * `capacity` sweep): where rolling runs the capacity bound nowhere are kept, so a higher capacity replays their
 * decisions (scenarios/capacity-slack.ts).
 */
export type SweepWorkerRequest =
  | { readonly type: 'task'; readonly task: SweepTaskInput; readonly dataDir: string; readonly offlinePlansDir?: string; readonly rollingRunsDir?: string }
  | { readonly type: 'stop' };

/**
 * What a worker process spent on one task (or, in `ready`, on starting: Node, the modules and HiGHS), from
 * `process.resourceUsage()`: written to the sweep's `workers.jsonl`, never to its results, to see where the
 * sweep's wall and system time go (which process ran what when, page faults, context switches).
 */
export interface WorkerUsage {
  readonly pid: number;
  /** Wall-clock instants (ms since 1970) when the task (or the process) started and ended. */
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly userMs: number;
  readonly systemMs: number;
  readonly minorPageFaults: number;
  readonly majorPageFaults: number;
  readonly voluntaryContextSwitches: number;
  readonly involuntaryContextSwitches: number;
  /** Resident memory after the task (bytes) and the process's peak so far (kB, `maxRSS`). */
  readonly rssBytes: number;
  readonly maxRssKb: number;
  /** HiGHS's WebAssembly heap after the task (bytes; it never shrinks), when known. */
  readonly wasmHeapBytes?: number;
}

/**
 * Worker -> parent: ready (HiGHS loaded), a finished run, a failed run; `retire` = the worker exits after this
 * task (its WebAssembly heap, which never shrinks, grew past `retireHeapBytes`, or it holds more than
 * `retireRssBytes`: sweep-worker.ts) and the parent starts a fresh one.
 * `usage`: what the start or the task cost the process. `reference`: during task `index`, the offline reference of
 * its scenario and seed was kept (scenarios/offline-canonical.ts): the offline runs waiting for it may start.
 */
export type SweepWorkerReply =
  | { readonly type: 'ready'; readonly solver: string; readonly usage: WorkerUsage }
  | { readonly type: 'reference'; readonly index: number }
  | { readonly type: 'run'; readonly run: SweepRun; readonly retire: boolean; readonly usage: WorkerUsage }
  | { readonly type: 'failure'; readonly failure: SweepFailure; readonly retire: boolean; readonly usage: WorkerUsage };
