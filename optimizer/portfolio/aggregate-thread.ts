/**
 * Where aggregate-first's price step runs (aggregate-first.ts step 1): in this thread, or on a worker thread of
 * its own so the caller's event loop stays free while it runs.
 *
 * Why a thread: at 200 sites x 500 vehicles the aggregate LP takes minutes of CPU (184 CPU s quiet, bench/RESULTS.md
 * i17a). Run on a BullMQ worker's event loop it blocks the job lock's renewal: the coordination was taken for
 * stalled twice and failed (bench/RESULTS.md, issue 17 session 14). A thread per request, terminated after its
 * answer (its HiGHS heap goes with it); its failure is answered as an aggregate status `error` with the reason,
 * which aggregate-first says as a handover, never silently.
 */
import { Worker } from 'node:worker_threads';
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Problem } from '../problem.ts';
import { highsMaster } from '../decomposition/decompose.ts';
import { solveAggregateByDecomposition, type DecompositionRequestOptions } from './aggregate-decomposed.ts';
import { solveAggregateLp, type AggregateLpOptions, type AggregateLpResult } from './aggregate-lp.ts';
import type { SharedRowLimits } from './coordinate.ts';

/** One price step: the sites' problems, the shared limits on the first `slotCount` slots, and how to solve it. */
export interface AggregateRequest {
  readonly problems: readonly Problem[];
  readonly limits: SharedRowLimits;
  readonly slotCount: number;
  /** The LP's options; with `decomposed` also its relaxation threads and its warm start (plain data: it travels to the thread). */
  readonly options: AggregateLpOptions & DecompositionRequestOptions;
  /** `monolithic` (aggregate-lp.ts) or `decomposed` (aggregate-decomposed.ts). */
  readonly priceStep: 'monolithic' | 'decomposed';
}

/** Solves a price step somewhere and answers its result (never rejects: a failure is status `error`). */
export type AggregateSolver = (request: AggregateRequest) => Promise<AggregateLpResult>;

/** The price step in this thread (blocks it for the whole solve). */
export async function solveAggregateHere(request: AggregateRequest, backend?: LpBackend): Promise<AggregateLpResult> {
  const lp = backend ?? (await highsMaster());
  if (request.priceStep === 'decomposed') return solveAggregateByDecomposition(request.problems, request.limits, request.slotCount, lp, request.options);
  return solveAggregateLp(request.problems, request.limits, request.slotCount, lp, request.options);
}

/** What the thread posts back. */
export type AggregateThreadReply = { readonly ok: true; readonly result: AggregateLpResult } | { readonly ok: false; readonly message: string };

const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./aggregate-worker.mjs', import.meta.url)
  : new URL('./worker/aggregate-worker.js', import.meta.url);

/** A failed price step, said as its result (aggregate-first hands over to site columns and names the reason). */
function failed(request: AggregateRequest, message: string): AggregateLpResult {
  return { method: request.priceStep, status: 'error', message, rows: 0, cols: 0, nonzeros: 0, groups: 0, buildMs: 0, solveMs: 0, simplexIterations: 0 };
}

/** The price step on a worker thread of its own (this thread's event loop stays free). */
export const solveAggregateOnWorkerThread: AggregateSolver = (request) =>
  new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(workerUrl, { workerData: request });
    const settle = (result: AggregateLpResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
      void worker.terminate();
    };
    worker.once('message', (reply: AggregateThreadReply) => settle(reply.ok ? reply.result : failed(request, `the price step's thread failed: ${reply.message}`)));
    worker.once('error', (error) => settle(failed(request, `the price step's thread failed: ${error.message}`)));
    worker.once('exit', (code) => settle(failed(request, `the price step's thread exited with code ${code} before answering`)));
  });
