/** Messages between `v2g sweep` and its worker processes (IPC, structured clone). */
import type { SweepTaskInput } from '../../scenarios/sweep-task.ts';
import type { SweepFailure, SweepRun } from '../../scenarios/sweep-table.ts';

/**
 * Parent -> worker: run a task (data files read from `dataDir`), or stop. `offlinePlansDir` (a `capacity`
 * sweep): where offline plans are kept, so an offline run reuses a higher capacity's plan where it is exact
 * (scenarios/offline-reuse.ts) and keeps its own fresh plan for the capacities below. `rollingRunsDir` (a
 * `capacity` sweep): where rolling runs the capacity bound nowhere are kept, so a higher capacity replays their
 * decisions (scenarios/capacity-slack.ts).
 */
export type SweepWorkerRequest =
  | { readonly type: 'task'; readonly task: SweepTaskInput; readonly dataDir: string; readonly offlinePlansDir?: string; readonly rollingRunsDir?: string }
  | { readonly type: 'stop' };

/**
 * Worker -> parent: ready (HiGHS loaded), a finished run, a failed run; `retire` = the worker exits after this
 * task (its WebAssembly heap, which never shrinks, grew past the limit) and the parent starts a fresh one.
 */
export type SweepWorkerReply =
  | { readonly type: 'ready'; readonly solver: string }
  | { readonly type: 'run'; readonly run: SweepRun; readonly retire: boolean }
  | { readonly type: 'failure'; readonly failure: SweepFailure; readonly retire: boolean };
