/**
 * A pool of solver worker threads. HiGHS (WebAssembly) solves block their thread for up to seconds, so
 * they never run on a caller's event loop. Each worker loads HiGHS once and stays warm; a worker whose
 * WebAssembly heap has grown past `maxHeapBytes` is retired after its task (the heap never shrinks), and a
 * worker that overruns its time limit by `watchdogGraceMs` is terminated and its caller gets a fallback
 * plan with status `timed_out`. Idle workers are unref'd, so a pool never keeps a process alive by itself.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Plan } from './plan.ts';
import type { Problem } from './problem.ts';
import { assertFitsHighsHeap } from './memory-estimate.ts';
import { fallbackPrepareAtMs } from './budget-guard.ts';
import { pluggedVehicleSlots } from './engine.ts';
import { resolveProblem } from './resolved-problem.ts';
import { fallbackPlan, solveDefaults, type SolveOptions } from './solve-problem.ts';
import type { SolveProgressListener } from './solve-progress.ts';
import type { DecompositionRequestOptions, LpSolverName, ProgressMessage, ReadyMessage, ResidentReply, ResidentRequest, SolveReply, SolveRequest } from './worker/messages.ts';
import { noUncappedLp, type SiteRequest, type UncappedLp } from './portfolio/site-subproblem.ts';

type WorkerMessage = ReadyMessage | SolveReply | ProgressMessage;

export interface SolverPoolOptions {
  /** Worker threads. Default: min(2, available cores). */
  readonly size?: number;
  /** Retire a worker after a task once its WebAssembly heap exceeds this (bytes). Default 1 GiB. */
  readonly maxHeapBytes?: number;
  /**
   * Terminate a worker this long after its task's time limit (ms); its caller then gets the best baseline,
   * `timed_out`. Default `defaultWatchdogGraceMs`: 2 s + 10 % of the limit (30 s for a decomposed solve).
   */
  readonly watchdogGraceMs?: number;
}

interface Task {
  readonly request: SolveRequest;
  readonly resolve: (plan: Plan, resident?: ResidentReply, uncapped?: UncappedLp) => void;
  readonly onProgress?: SolveProgressListener;
}

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<ReadyMessage>;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Fires shortly before the task's time limit (budget-guard.ts): prepares the watchdog's plan, so the watchdog returns it at once. */
  prepareTimer?: NodeJS.Timeout;
  /** The watchdog's plan for the running task, once prepared. */
  prepared?: Plan;
  retired: boolean;
}

/**
 * The worker's entry. From the sources (tsx, vitest) a .mjs shim registers tsx's loader in the worker thread
 * first (threads do not inherit loader hooks); the compiled tree (dist/cli) has the worker as plain JavaScript.
 */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./worker/solve-worker.mjs', import.meta.url)
  : new URL('./worker/solve-worker.js', import.meta.url);

/**
 * How long past its time limit a solve may run before its worker is terminated (ms). Monolithic: 2 s + 10 % of
 * the limit. The solve keeps its budget itself (solve-run.ts, budget-guard.ts); this is the backstop for what
 * it cannot interrupt (HiGHS setting up a large model on a loaded machine), and the stated tolerance of the
 * budget. A decomposed solve keeps its own time between iterations and would lose its incumbent: 30 s.
 */
export function defaultWatchdogGraceMs(timeLimitMs: number, engine: 'monolithic' | 'decomposition' = 'monolithic'): number {
  return engine === 'decomposition' ? 30_000 : 2_000 + 0.1 * timeLimitMs;
}

/** Worker threads that run LP-backend solves off the caller's event loop; `close()` ends them. */
export class SolverPool {
  private readonly size: number;
  private readonly maxHeapBytes: number;
  private readonly watchdogGraceMs: number | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** The thread holding each resident model (its key): the key's next requests go there while it lives. */
  private readonly residentSlots = new Map<string, Slot>();
  /** HiGHS version reported by the first worker that loaded it. */
  highsVersion: string | undefined;

  constructor(options: SolverPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.maxHeapBytes = options.maxHeapBytes ?? 1024 ** 3;
    this.watchdogGraceMs = options.watchdogGraceMs;
  }

  /**
   * Solves a validated problem on a worker thread; with `decomposition`, by price decomposition
   * (optimizer/decomposition/) instead of the monolithic LP. Resolves with a validated plan; never rejects for solver
   * outcomes. Rejects with `V2G_ERR_PROBLEM_TOO_LARGE` (OptimizerError) before any work when a HiGHS model
   * of the problem would not fit the WebAssembly heap (memory-estimate.ts), instead of aborting the worker.
   */
  solve(
    problem: Problem,
    solver: LpSolverName = 'highs',
    options: SolveOptions = {},
    onProgress?: SolveProgressListener,
    decomposition?: DecompositionRequestOptions,
  ): Promise<Plan> {
    if (this.closed) return Promise.reject(new Error('SolverPool is closed'));
    if (solver === 'highs' && !decomposition) {
      try {
        assertFitsHighsHeap(problem, options.energyForm);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise<Plan>((resolve) => {
      const engine = decomposition ? { engine: 'decomposition' as const, decomposition } : {};
      const request: SolveRequest = { id: this.nextId++, solver, problem, options, ...(onProgress ? { progress: true } : {}), ...engine };
      this.queue.push({ request, resolve, ...(onProgress ? { onProgress } : {}) });
      this.dispatch();
    });
  }

  /**
   * A portfolio site's plan on the resident model of `resident.key` (optimizer/portfolio/resident-models.ts):
   * `problem` is the site's base problem, `resident.request` its prices and caps. Every request of a key goes to
   * the thread that holds its model while that thread lives (a retired or failed thread's models are gone: the
   * next request opens the model again, `how: 'first'`). Resolves with the plan of the priced problem and how it
   * was made (`warm | first | cold`, with why cold); a failed thread answers a fallback plan, `how: 'cold'`.
   */
  solveResident(problem: Problem, resident: ResidentRequest, options: SolveOptions = {}): Promise<{ readonly plan: Plan } & ResidentReply> {
    if (this.closed) return Promise.reject(new Error('SolverPool is closed'));
    return new Promise((resolve) => {
      const request: SolveRequest = { id: this.nextId++, solver: 'highs', problem, options, resident };
      this.queue.push({ request, resolve: (plan, how) => resolve({ plan, ...(how ?? { how: 'cold', coldReason: `the solver thread failed: ${plan.message ?? plan.status}` }) }) });
      this.dispatch();
    });
  }

  /**
   * A portfolio site's plan within `request`'s caps and, on the same model opened for this request, its uncapped LP
   * at the same prices (optimizer/portfolio/site-bound-solve.ts); `problem` is the site's base problem. With
   * `resident`, on the thread's resident model of its key instead (kept after the request). Never rejects for solver
   * outcomes: a failed thread answers a fallback plan and an uncapped LP `refused` (the coordinator solves it cold).
   */
  solveWithBound(problem: Problem, request: SiteRequest, options: SolveOptions = {}, resident?: Omit<ResidentRequest, 'request'>): Promise<{ readonly plan: Plan; readonly uncapped: UncappedLp } & ResidentReply> {
    if (this.closed) return Promise.reject(new Error('SolverPool is closed'));
    const asked: SiteRequest = { ...request, uncappedBound: true };
    return new Promise((resolve) => {
      const request_: SolveRequest = { id: this.nextId++, solver: 'highs', problem, options, ...(resident ? { resident: { ...resident, request: asked } } : { boundRequest: asked }) };
      this.queue.push({
        request: request_,
        resolve: (plan, how, uncapped) => {
          const failed = `the solver thread failed: ${plan.message ?? plan.status}`;
          resolve({ plan, ...(how ?? { how: 'cold', coldReason: failed }), uncapped: uncapped ?? noUncappedLp(problem.slotCount, failed) });
        },
      });
      this.dispatch();
    });
  }

  /** Starts every worker and runs one tiny solve on each, so the first real solve does not pay the WebAssembly warm-up. */
  async warmUp(): Promise<void> {
    const tiny: Problem = {
      slotCount: 2,
      slotHours: 1,
      importPricePerKwh: [0.2, 0.1],
      vehicles: [{ id: 'w', chargerId: 'w', arrivalSlot: 0, departureSlot: 2, energyKwh: 0, capacityKwh: 10, targetEnergyKwh: 5, maxChargeKw: 5 }],
    };
    await Promise.all(Array.from({ length: this.size }, () => this.solve(tiny)));
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      const task = this.finish(slot);
      slot.retired = true;
      if (task) task.resolve(this.failurePlan(task, 'solver pool closed during the solve', 'error'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const task of this.queue.splice(0)) task.resolve(this.failurePlan(task, 'solver pool closed', 'error'));
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl);
    const ready = new Promise<ReadyMessage>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if ('ready' in m) {
          worker.off('message', onMessage);
          resolve(m);
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    const slot: Slot = { worker, ready, retired: false };
    ready.then((m) => (this.highsVersion ??= m.highsVersion)).catch(() => undefined);
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) return;
      if ('progress' in m) {
        if (slot.task?.request.id === m.id) slot.task.onProgress?.(m.progress);
      } else this.onReply(slot, m);
    });
    worker.on('error', (error) => this.onFailure(slot, `solver worker failed: ${error.message}`, 'error'));
    worker.on('exit', (code) => {
      if (!slot.retired) this.onFailure(slot, `solver worker exited with code ${code}`, 'error');
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length; ) {
      const task = this.queue[i]!;
      const key = task.request.resident?.key;
      const home = key !== undefined ? this.residentSlots.get(key) : undefined;
      let slot: Slot | undefined;
      if (home && !home.retired) {
        // A resident model lives on one thread: its request waits for that thread.
        slot = home.task ? undefined : home;
      } else {
        slot = this.slots.find((s) => !s.task && !s.retired);
        if (!slot && this.slots.length < this.size) slot = this.spawn();
        if (!slot && this.slots.length >= this.size && this.slots.every((s) => s.task)) return;
      }
      if (!slot) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      if (key !== undefined) this.residentSlots.set(key, slot);
      this.start(slot, task);
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    const limitMs = task.request.options.timeLimitMs ?? solveDefaults.timeLimitMs;
    // A resident request may first build and open the site's model (not counted in the solve's own budget), and
    // terminating its thread loses every model the thread holds: its backstop allows one more time limit. A bound
    // request (capped plan, then the uncapped LP: each its own budget) allows one more for its second solve.
    const bound = task.request.boundRequest !== undefined || task.request.resident?.request.uncappedBound === true;
    // Asked for the uncapped plan too (SiteRequest.uncappedPlan): its repair, one more.
    const third = task.request.boundRequest?.uncappedPlan === true;
    const graceMs = (this.watchdogGraceMs ?? defaultWatchdogGraceMs(limitMs, task.request.engine ?? 'monolithic')) + (task.request.resident || bound ? limitMs : 0) + (bound ? limitMs : 0) + (third ? limitMs : 0);
    const overran = `solve overran its ${limitMs} ms time limit by ${graceMs} ms; worker terminated`;
    // Near the limit, the fallback (every baseline, validated: seconds for thousands of vehicles on a loaded
    // machine) is prepared while the worker may still answer, so a watchdog that fires returns it at once.
    if (graceMs > 0) {
      const prepareAtMs = fallbackPrepareAtMs(limitMs, pluggedVehicleSlots(task.request.problem));
      slot.prepareTimer = setTimeout(() => (slot.prepared = this.failurePlan(task, overran, 'timed_out')), prepareAtMs);
    }
    slot.timer = setTimeout(() => {
      const prepared = slot.prepared;
      if (prepared) this.onFailure(slot, overran, 'timed_out', prepared);
      else this.onFailure(slot, overran, 'timed_out');
    }, limitMs + graceMs);
    slot.ready.then(
      () => slot.worker.postMessage({ ...task.request, postedAtMs: performance.timeOrigin + performance.now() } satisfies SolveRequest),
      (error: Error) => this.onFailure(slot, `solver worker could not start: ${error.message}`, 'error'),
    );
  }

  private finish(slot: Slot): Task | undefined {
    const task = slot.task;
    slot.task = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.prepareTimer) clearTimeout(slot.prepareTimer);
    slot.timer = undefined;
    slot.prepareTimer = undefined;
    slot.prepared = undefined;
    if (!slot.retired) slot.worker.unref();
    return task;
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    for (const [key, s] of this.residentSlots) if (s === slot) this.residentSlots.delete(key);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private onReply(slot: Slot, reply: SolveReply): void {
    const task = this.finish(slot);
    if (reply.heapBytes > this.maxHeapBytes) this.retire(slot);
    if (task && task.request.id === reply.id) {
      if (reply.ok) task.resolve(reply.plan, reply.resident, reply.uncapped);
      else task.resolve(this.failurePlan(task, `solver worker error: ${reply.message}`, 'error'));
    }
    this.dispatch();
  }

  private onFailure(slot: Slot, message: string, status: 'error' | 'timed_out', prepared?: Plan): void {
    if (slot.retired) return;
    const task = this.finish(slot);
    this.retire(slot);
    if (task) task.resolve(prepared ?? this.failurePlan(task, message, status));
    if (!this.closed) this.dispatch();
  }

  private failurePlan(task: Task, message: string, status: 'error' | 'timed_out'): Plan {
    const { problem, solver } = task.request;
    const rp = resolveProblem(problem);
    return fallbackPlan(problem, rp, status, message, {
      backend: solver,
      buildMs: 0,
      solveMs: 0,
      rows: 0,
      columns: 0,
      iterations: 0,
      integerColumns: 0,
      rounds: 0,
    }, task.request.options.timeLimitMs ?? solveDefaults.timeLimitMs);
  }
}
