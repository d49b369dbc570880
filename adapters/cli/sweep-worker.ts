/**
 * `v2g sweep-worker` (hidden): a worker process of `v2g sweep`. Loads its LP backend once (HiGHS, or CLP by `V2G_LP_BACKEND`), then runs the tasks its
 * parent sends over IPC one at a time (scenarios/sweep-task.ts) and answers each with its run or its failure
 * (coded error). Data files are read once per path. After a task that left the process above `retireRssBytes`
 * (an offline month solve grows the WebAssembly heap, which never shrinks) it says so and exits; the parent
 * starts a fresh worker.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import { solveOffline, type OfflineSolution } from '../../scenarios/offline-optimum.ts';
import { offlineRowSeed, reuseOfflinePlan, storeOfflinePlan } from '../../scenarios/offline-reuse.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { SolverSetup } from '../../scenarios/policies.ts';
import { runSweepTask, type RollingRunStore, type SweepTaskInput } from '../../scenarios/sweep-task.ts';
import { readLowerRollingRun, writeRollingRun } from './rolling-run-store.ts';
import { readOfflinePlans, writeOfflinePlan } from './offline-plan-store.ts';
import type { SweepFailure } from '../../scenarios/sweep-table.ts';
import { lpBackendChoice, loadLpBackend } from './lp-backend-choice.ts';
import { solverSetup, wallClock } from './scenario-command-support.ts';
import type { SweepWorkerReply, SweepWorkerRequest } from './sweep-messages.ts';

/**
 * The offline solution of a `capacity` sweep's task: a higher capacity's kept plan where it is exactly optimal
 * here, else a fresh solve, which is kept for the capacities below.
 */
function offlineFromStore(task: SweepTaskInput, dir: string, solver: SolverSetup): (inputs: ReplayInputs) => OfflineSolution {
  return (inputs) => {
    const capacity = Number(task.value);
    const stored = readOfflinePlans(dir, task.scenarioName, task.seed);
    const { solution, refusals } = reuseOfflinePlan(inputs, capacity, stored, wallClock);
    if (solution !== undefined) return solution;
    const fresh = solveOffline(inputs, solver, wallClock, {}, offlineRowSeed(capacity, stored));
    writeOfflinePlan(dir, task.scenarioName, task.seed, storeOfflinePlan(fresh, capacity, `solved at ${capacity}`));
    const notes = refusals.map((r) => `offline solved at ${capacity}: the plan of capacity ${r.capacity} was not reused (${r.reason})`);
    return { ...fresh, notes: [...fresh.notes, ...notes] };
  };
}

/** The recorded rolling runs of a `capacity` sweep's task (scenarios/capacity-slack.ts), kept in `dir`. */
function rollingStore(task: SweepTaskInput, dir: string): RollingRunStore {
  return {
    lower: () => readLowerRollingRun(dir, task.scenarioName, task.seed, task.policy, Number(task.value)),
    keep: (run) => writeRollingRun(dir, task.scenarioName, task.seed, run),
  };
}

/** Resident memory after which a worker retires (bytes). */
export const retireRssBytes = 1.2 * 1024 ** 3;

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
    const retire = () => process.memoryUsage().rss > retireRssBytes;
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
      const offlineFor = offlinePlansDir !== undefined && task.policy === 'offline' ? offlineFromStore(task, offlinePlansDir, solver) : undefined;
      const rolling = rollingRunsDir !== undefined && task.policy !== 'offline' ? rollingStore(task, rollingRunsDir) : undefined;
      const run = runSweepTask(task, files, solver, solverLabel, wallClock, offlineFor, rolling);
      const used = process.cpuUsage(cpu);
      reply({ type: 'run', run: { ...run, cpuMs: (used.user + used.system) / 1000 }, retire: retire() });
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
      reply({ type: 'failure', failure, retire: retire() });
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
  reply({ type: 'ready', solver: solverLabel });
  await new Promise<void>((resolve) => process.once('disconnect', resolve));
}
