/**
 * `v2g sweep-worker` (hidden): a worker process of `v2g sweep`. Loads its LP backend once (HiGHS, or CLP by `V2G_LP_BACKEND`), then runs the tasks its
 * parent sends over IPC one at a time (scenarios/sweep-task.ts) and answers each with its run or its failure
 * (coded error). Data files are read once per path. After a task that left HiGHS's WebAssembly heap (which never
 * shrinks) above `retireHeapBytes`, or the process above `retireRssBytes`, it says so and exits; the parent starts
 * a fresh worker.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import { canonicalOfflineSolution } from '../../scenarios/offline-canonical.ts';
import { chainedOfflineSolution } from '../../scenarios/offline-chained.ts';
import type { OfflineSolution } from '../../scenarios/offline-optimum.ts';
import type { StoredOfflinePlan } from '../../scenarios/offline-reuse.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { SolverSetup } from '../../scenarios/policies.ts';
import { runSweepTask, type RollingRunStore, type SweepTaskInput } from '../../scenarios/sweep-task.ts';
import { readLowerRollingRun, writeRollingRun } from './rolling-run-store.ts';
import { readOfflinePlans, readReferencePlan, writeOfflinePlan, writeReferencePlan } from './offline-plan-store.ts';
import type { SweepFailure } from '../../scenarios/sweep-table.ts';
import { lpBackendChoice, loadLpBackend } from './lp-backend-choice.ts';
import { solverSetup, wallClock } from './scenario-command-support.ts';
import type { SweepWorkerReply, SweepWorkerRequest, WorkerUsage } from './sweep-messages.ts';

type Usage = { readonly at: number; readonly r: NodeJS.ResourceUsage };
const usageNow = (): Usage => ({ at: Date.now(), r: process.resourceUsage() });

/** What the process spent between `from` (undefined: its start) and now; `wasmHeapBytes`: HiGHS's heap now. */
function usageSince(from: Usage | undefined, wasmHeapBytes: number | undefined): WorkerUsage {
  const now = usageNow();
  const d = (k: 'userCPUTime' | 'systemCPUTime' | 'minorPageFault' | 'majorPageFault' | 'voluntaryContextSwitches' | 'involuntaryContextSwitches') => now.r[k] - (from?.r[k] ?? 0);
  return {
    pid: process.pid,
    startUtcMs: from?.at ?? Math.round(performance.timeOrigin),
    endUtcMs: now.at,
    userMs: d('userCPUTime') / 1000,
    systemMs: d('systemCPUTime') / 1000,
    minorPageFaults: d('minorPageFault'),
    majorPageFaults: d('majorPageFault'),
    voluntaryContextSwitches: d('voluntaryContextSwitches'),
    involuntaryContextSwitches: d('involuntaryContextSwitches'),
    rssBytes: process.memoryUsage.rss(),
    maxRssKb: now.r.maxRSS,
    ...(wasmHeapBytes !== undefined ? { wasmHeapBytes } : {}),
  };
}

/**
 * The offline solution of a `capacity` sweep's task, by its rule (`task.offlineRows`, scenarios/sweep-plan.ts):
 * - `independent` (scenarios/offline-canonical.ts): its reference plan where it is exactly as good here, else a
 *   cold solve. The reference is solved by the first task of its scenario and seed that needs it, kept in `dir`,
 *   and announced to the parent (`reference`), which then starts the others;
 * - `chained` (scenarios/offline-chained.ts): a higher capacity's kept plan where it is exactly optimal here, else
 *   a fresh solve warm from the capacity above, kept for the capacities below.
 */
function offlineFromStore(task: SweepTaskInput, dir: string, solver: SolverSetup, texts: ReadonlyMap<string, string>, announce: () => void): (inputs: ReplayInputs) => OfflineSolution {
  return (inputs) => {
    const capacity = Number(task.value);
    if (task.offlineRows !== 'independent') {
      const chain = { read: () => readOfflinePlans(dir, task.scenarioName, task.seed), write: (plan: StoredOfflinePlan) => writeOfflinePlan(dir, task.scenarioName, task.seed, plan) };
      return chainedOfflineSolution(inputs, capacity, chain, solver, wallClock);
    }
    const store = {
      read: () => readReferencePlan(dir, task.scenarioName, task.seed),
      write: (plan: StoredOfflinePlan) => {
        writeReferencePlan(dir, task.scenarioName, task.seed, plan);
        announce();
      },
    };
    const reference = task.offlineReference !== undefined ? { spec: task.offlineReference, store, texts, seed: task.seed } : undefined;
    return canonicalOfflineSolution(inputs, capacity, reference, solver, wallClock);
  };
}

/** The recorded rolling runs of a `capacity` sweep's task (scenarios/capacity-slack.ts), kept in `dir`. */
function rollingStore(task: SweepTaskInput, dir: string): RollingRunStore {
  return {
    lower: () => readLowerRollingRun(dir, task.scenarioName, task.seed, task.policy, Number(task.value)),
    keep: (run) => writeRollingRun(dir, task.scenarioName, task.seed, run),
  };
}

/**
 * HiGHS heap after which a worker retires (bytes): half the 2 GiB WebAssembly ceiling (optimizer/memory-estimate.ts).
 * The heap never shrinks, so a worker whose month solve grew it past this starts afresh rather than solve the next
 * month LP in a heap that may be too fragmented for it. Below it the worker keeps its heap: the next fresh solve
 * reuses pages already faulted in instead of a new process faulting them in again (and loading Node and HiGHS).
 */
export const retireHeapBytes = 1024 ** 3;

/**
 * Resident memory after which a worker retires whatever its HiGHS heap (bytes): a guard on the process as a whole.
 * Not the HiGHS heap's limit: right after a month solve the JavaScript side still holds ~1 GB that its next
 * collection frees (bench/RESULTS.md, issue 16 session 12, i16t).
 */
export const retireRssBytes = 3 * 1024 ** 3;

/** The resident-memory limit used instead when the HiGHS heap's size is not known (the rule before session 12). */
export const retireRssBytesUnknownHeap = 1.2 * 1024 ** 3;

/** Whether a worker with this HiGHS heap (undefined: not known) and this resident memory (bytes) retires after its task. */
export function workerRetires(heapBytes: number | undefined, rssBytes: number): boolean {
  if (heapBytes === undefined) return rssBytes > retireRssBytesUnknownHeap;
  return heapBytes > retireHeapBytes || rssBytes > retireRssBytes;
}

/** Runs until the parent sends `stop` or disconnects. */
export async function runSweepWorker(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('v2g sweep-worker is started by v2g sweep (it needs an IPC channel)');
  // The parent passes its --lp-backend choice in V2G_LP_BACKEND.
  const highs = await loadLpBackend(lpBackendChoice(undefined));
  const solverLabel = highs.label;
  const texts = new Map<string, string>();
  const reply = (m: SweepWorkerReply) => send(m);
  let queue = Promise.resolve();

  const runOne = async (request: Extract<SweepWorkerRequest, { type: 'task' }>) => {
    const { task, dataDir, offlinePlansDir, rollingRunsDir } = request;
    const retire = () => workerRetires(highs.heapBytes(), process.memoryUsage.rss());
    const began = usageNow();
    try {
      const files = new Map<string, string>();
      for (const f of scenarioDataFiles(task.scenario)) {
        const full = path.resolve(dataDir, f.path);
        let text = texts.get(full);
        if (text === undefined) texts.set(full, (text = await readFile(full, 'utf8')));
        files.set(f.path, text);
      }
      const cpu = process.cpuUsage();
      const solver = solverSetup(task.scenario, highs.backend);
      const announce = () => reply({ type: 'reference', index: task.index });
      const offlineFor = offlinePlansDir !== undefined && task.policy === 'offline' ? offlineFromStore(task, offlinePlansDir, solver, files, announce) : undefined;
      const rolling = rollingRunsDir !== undefined && task.policy !== 'offline' ? rollingStore(task, rollingRunsDir) : undefined;
      const run = runSweepTask(task, files, solver, solverLabel, wallClock, offlineFor, rolling);
      const used = process.cpuUsage(cpu);
      reply({ type: 'run', run: { ...run, cpuMs: (used.user + used.system) / 1000 }, retire: retire(), usage: usageSince(began, highs.heapBytes()) });
    } catch (e) {
      const error = e as { code?: string; message?: string; issues?: readonly { path?: string; message: string }[] };
      const detail = error.issues?.map((i) => `${i.path ?? ''}: ${i.message}`).join('; ');
      const failure: SweepFailure = {
        index: task.index,
        scenarioName: task.scenarioName,
        value: task.value,
        seed: task.seed,
        policy: task.policy,
        error: { code: error.code ?? 'V2G_ERR_INTERNAL', message: `${error.message ?? String(e)}${detail ? ` (${detail})` : ''}` },
      };
      reply({ type: 'failure', failure, retire: retire(), usage: usageSince(began, highs.heapBytes()) });
    }
    if (retire()) process.disconnect();
  };

  process.on('message', (m: SweepWorkerRequest) => {
    if (m.type === 'stop') {
      queue = queue.then(() => process.disconnect());
      return;
    }
    queue = queue.then(() => runOne(m));
  });
  reply({ type: 'ready', solver: solverLabel, usage: usageSince(undefined, highs.heapBytes()) });
  await new Promise<void>((resolve) => process.once('disconnect', resolve));
}
