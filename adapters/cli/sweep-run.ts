/**
 * The body of `v2g sweep` (sweep-command.ts defines its options): plans the tasks (scenarios/sweep-plan.ts),
 * runs them on a pool of worker processes (`v2g sweep-worker` over IPC, one task at a time each, heavy policies
 * first), shows progress (a bar on a terminal, a line per run otherwise), and writes the table and the report.
 * A failed run is listed in every output and makes the exit code 1; it never disappears. Each finished run is
 * also appended to runs.jsonl as it arrives, so an interrupted sweep keeps what it measured; Ctrl-C (SIGINT) or
 * SIGTERM ends the workers.
 */
import { lpBackendChoice, lpBackendEnv, loadLpBackend, type LpBackendName } from './lp-backend-choice.ts';
import { capacityCheckable } from '../../scenarios/capacity-slack.ts';
import { resetRollingRunStore } from './rolling-run-store.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ScenarioError } from '../../scenarios/errors.ts';
import { parsePolicyList } from '../../scenarios/compare-runs.ts';
import { scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import { scenarioHash } from '../../scenarios/scenario-hash.ts';
import { offlineRowRuleLabel, parseOfflineRowRule, parseSeeds, parseSweepValues, requireSweepParameter, startOrder, sweepTasks, takeStartable, type SweepTask } from '../../scenarios/sweep-plan.ts';
import { sweepReportHtml } from '../../scenarios/sweep-report-html.ts';
import { sweepCsv, sweepMarkdown, sweepRows, sweepRunsCsv, withOfflineGaps, type SweepFailure, type SweepRow, type SweepRun } from '../../scenarios/sweep-table.ts';
import { referencePlanPath, resetOfflinePlanStore } from './offline-plan-store.ts';
import { offlineBudgetSummary } from '../../scenarios/offline-budget.ts';
import type { RunState } from './problem-commands.ts';
import { wallClock } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitCommit, loadScenarioFiles, repoRoot, writeOutputs } from './scenario-files.ts';
import type { SweepWorkerReply, SweepWorkerRequest, WorkerUsage } from './sweep-messages.ts';

/** A line of `workers.jsonl`: a worker's start (Node, modules, HiGHS) or one task, with what it cost the process. */
type WorkerUsageLine = ({ readonly kind: 'start' } | { readonly kind: 'task'; readonly index: number; readonly label: string; readonly retire: boolean }) & WorkerUsage;

/** The options of `v2g sweep`. */
export interface SweepOptions {
  param: string;
  values: string;
  policies: string;
  seeds?: string;
  workers?: string;
  out?: string;
  dataDir?: string;
  /** False with `--no-rolling-reuse`: every rolling run afresh (capacity-slack.ts). */
  rollingReuse?: boolean;
  /** `--offline-rows`: `chained` (default) or `independent` (scenarios/sweep-plan.ts, `OfflineRowRule`). */
  offlineRows?: string;
  /** `highs` (default) or `clp`; else `V2G_LP_BACKEND` (the workers get the choice in theirs). */
  lpBackend?: string;
}

const parameterUnits: Readonly<Record<string, string>> = { capacity: 'kW; kVA on a network', horizon: 'h', 'slot-minutes': 'min' };

function workerCount(text: string | undefined, tasks: number): number {
  const n = text === undefined ? availableParallelism() : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', 'The sweep is not usable', [{ path: '--workers', message: `"${text}" is not a whole number of workers from 1 to 256` }]);
  }
  return Math.min(n, tasks);
}

/** Every data file the tasks read must exist before a worker starts (a tariff sweep names new ones). */
function requireDataFiles(tasks: readonly SweepTask[], dataDir: string): void {
  const missing = new Map<string, string>();
  for (const t of tasks) {
    for (const f of scenarioDataFiles(t.scenario)) {
      const full = path.resolve(dataDir, f.path);
      if (!missing.has(full) && !existsSync(full)) missing.set(full, `${t.scenarioName} with ${String(t.value)}: ${f.pointer}`);
    }
  }
  if (missing.size > 0) {
    throw new ScenarioError('V2G_ERR_SCENARIO_DATA_MISSING', 'Data files of the sweep are missing', [...missing].map(([file, where]) => ({ path: where, message: `cannot read ${file} (set V2G_DATA_DIR or --data-dir)` })));
  }
}

/** Progress: a bar on a terminal, else one line per finished run on standard error. */
function sweepProgress(total: number): { done: (label: string) => void; stop: () => void } {
  let count = 0;
  if (process.stderr.isTTY !== true) {
    return { done: (label) => process.stderr.write(`[${++count}/${total}] ${label}\n`), stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'sweep [{bar}] {value}/{total} runs | {percentage}% | {duration_formatted} elapsed, eta {eta_formatted} | {last}', hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { last: '' });
  return { done: (label) => bar.increment(1, { last: label }), stop: () => bar.stop() };
}

/**
 * The young generation of a sweep worker's V8 heap (MB per semi-space; Node 20's default grows to 16): a replay's
 * month-long per-slot arrays then die young instead of being promoted and collected again in the old generation.
 * GC sizing only (the same results, byte for byte); -3 to -6 % CPU on the month runs in four same-load pairs
 * (bench/RESULTS.md, issue 16 session 12, i16t), at ~80 MB more resident per worker.
 */
export const sweepWorkerSemiSpaceMb = 64;

/** The Node options a sweep worker process starts with: the parent's, and the young generation's size. */
export function sweepWorkerExecArgv(parentExecArgv: readonly string[]): string[] {
  return [...parentExecArgv.filter((a) => !a.startsWith('--max-semi-space-size')), `--max-semi-space-size=${sweepWorkerSemiSpaceMb}`];
}

const taskLabel = (t: { scenarioName: string; value: unknown; seed: number; policy: string }, parameter: string) => `${t.scenarioName} ${parameter}=${String(t.value)} seed ${t.seed} ${t.policy}`;

/** Runs `tasks` on `workers` processes; resolves with every run and every failure. */
async function runPool(
  tasks: readonly SweepTask[],
  workers: number,
  dataDir: string,
  onDone: (label: string, result: SweepRun | SweepFailure) => void,
  onUsage: (line: WorkerUsageLine) => void,
  parameter: string,
  stores: { readonly offlinePlansDir?: string; readonly rollingRunsDir?: string },
  lpBackend: LpBackendName,
): Promise<{ runs: SweepRun[]; failures: SweepFailure[]; solvers: Set<string> }> {
  const pending = startOrder(tasks);
  const running = new Set<SweepTask>();
  // The rule of the offline rows (sweep-plan.ts): `independent` waits for the reference only, `chained` for every higher capacity.
  const independent = tasks.some((t) => t.offlineRows === 'independent');
  // Workers with nothing startable (offline runs waiting for their reference) wait here for the next finish or reference.
  const waiting: (() => void)[] = [];
  const wake = () => {
    for (const w of waiting.splice(0)) w();
  };
  const runs: SweepRun[] = [];
  const failures: SweepFailure[] = [];
  const solvers = new Set<string>();
  const entry = path.join(repoRoot, 'bin/v2g.mjs');
  let active = 0;
  const children = new Set<ChildProcess>();
  const endChildren = () => {
    for (const c of children) c.kill();
    process.exit(130);
  };
  process.once('SIGINT', endChildren);
  process.once('SIGTERM', endChildren);

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (active === 0 && pending.length === 0) {
        process.off('SIGINT', endChildren);
        process.off('SIGTERM', endChildren);
        resolve({ runs, failures, solvers });
      }
    };
    const start = () => {
      active++;
      const child: ChildProcess = fork(entry, ['sweep-worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', execArgv: sweepWorkerExecArgv(process.execArgv), env: { ...process.env, [lpBackendEnv]: lpBackend } });
      children.add(child);
      let current: SweepTask | undefined;
      let retiring = false;
      const send = (m: SweepWorkerRequest) => child.send(m);
      const next = () => {
        const plans = stores.offlinePlansDir;
        const referenceReady = (t: SweepTask) => plans !== undefined && existsSync(referencePlanPath(plans, t.scenarioName, t.seed));
        const offlineOrder = plans === undefined ? undefined : independent ? referenceReady : true;
        current = takeStartable(pending, [...running], offlineOrder, stores.rollingRunsDir !== undefined);
        if (current !== undefined) {
          running.add(current);
          send({ type: 'task', task: current, dataDir, ...stores });
        } else if (pending.length === 0) send({ type: 'stop' });
        else waiting.push(next);
      };
      child.on('message', (m: SweepWorkerReply) => {
        if (m.type === 'reference') {
          wake();
          return;
        }
        onUsage(m.type === 'ready' ? { kind: 'start', ...m.usage } : { kind: 'task', index: (m.type === 'run' ? m.run : m.failure).index, label: current ? taskLabel(current, parameter) : '', retire: m.retire, ...m.usage });
        if (m.type === 'ready') {
          solvers.add(m.solver);
          next();
          return;
        }
        const result = m.type === 'run' ? m.run : m.failure;
        if (m.type === 'run') runs.push(m.run);
        else failures.push(m.failure);
        if (current) {
          running.delete(current);
          onDone(`${taskLabel(current, parameter)}${m.type === 'failure' ? ' FAILED' : ''}`, result);
        }
        current = undefined;
        if (m.retire) retiring = true;
        else next();
        wake();
      });
      child.on('exit', (code, signal) => {
        active--;
        children.delete(child);
        if (current !== undefined) {
          const t = current;
          running.delete(t);
          const failure: SweepFailure = { index: t.index, scenarioName: t.scenarioName, value: t.value, seed: t.seed, policy: t.policy, error: { code: 'V2G_ERR_SWEEP_WORKER', message: `the worker process ended during the run (exit code ${String(code)}, signal ${String(signal)})` } };
          failures.push(failure);
          onDone(`${taskLabel(t, parameter)} FAILED (worker ended)`, failure);
        }
        // A retired worker, or one that crashed with work left, is replaced.
        if (pending.length > 0 && (retiring || current !== undefined || code !== 0)) start();
        current = undefined;
        wake();
        finishIfDone();
      });
    };
    for (let i = 0; i < workers; i++) start();
  });
}

/** A compact terminal view: per scenario, the delivered share (mean over seeds) per value and policy. */
function terminalSummary(rows: readonly SweepRow[], parameter: string): string[] {
  const lines: string[] = [];
  for (const scenario of [...new Set(rows.map((r) => r.scenarioName))]) {
    const mine = rows.filter((r) => r.scenarioName === scenario);
    const policies = [...new Set(mine.map((r) => r.policy))];
    const values = [...new Set(mine.map((r) => String(r.value)))];
    lines.push(`${scenario}: delivered/requested (%), mean over seeds`);
    lines.push([parameter.padEnd(10), ...policies.map((p) => p.padStart(12))].join(' '));
    for (const v of values) {
      const cells = policies.map((p) => {
        const m = mine.find((r) => r.policy === p && String(r.value) === v)?.metrics.energyDeliveredPct;
        return (m === undefined ? '-' : m.mean.toFixed(2)).padStart(12);
      });
      lines.push([v.padEnd(10), ...cells].join(' '));
    }
    lines.push('');
  }
  return lines;
}

/** Runs the sweep and writes its outputs; prints a summary to `out`. */
export async function runSweepCommand(scenarioArgs: readonly string[], opts: SweepOptions, out: (line: string) => void, state: RunState): Promise<void> {
  const startedAt = new Date().toISOString();
  const parameter = requireSweepParameter(opts.param);
  const values = parseSweepValues(opts.values);
  const policies = parsePolicyList(opts.policies);
  const dataDir = dataDirectory(opts.dataDir);
  const loaded = [];
  for (const arg of scenarioArgs.length > 0 ? scenarioArgs : ['generated-demo']) loaded.push(await loadScenarioFiles(arg, dataDir));
  const seeds = opts.seeds !== undefined ? parseSeeds(opts.seeds) : [loaded[0]!.scenario.assumptions.seed];
  const offlineRows = parseOfflineRowRule(opts.offlineRows);
  const tasks = sweepTasks(loaded.map((l) => l.scenario), parameter, values, seeds, policies, offlineRows);
  requireDataFiles(tasks, dataDir);
  const workers = workerCount(opts.workers, tasks.length);
  const lpBackend = lpBackendChoice(opts.lpBackend);
  // CLP asked for: its library must load here first (a coded error naming the package, before any worker starts).
  if (lpBackend === 'clp') await loadLpBackend(lpBackend);

  const dir = opts.out ?? path.join('out', `sweep-${parameter.replace(/[^a-z0-9-]+/gi, '_')}`);
  mkdirSync(dir, { recursive: true });
  const journal = path.join(dir, 'runs.jsonl');
  writeFileSync(journal, '');
  // Which worker process ran what when, and what it cost the process (CPU user / system, page faults): not results.
  const usageLog = path.join(dir, 'workers.jsonl');
  writeFileSync(usageLog, '');
  const started = wallClock();
  const progress = sweepProgress(tasks.length);
  // A capacity sweep keeps its offline plans so the capacities reuse them where exact: the chain's plans
  // (scenarios/offline-chained.ts), or the one reference (`independent`: scenarios/offline-canonical.ts).
  const offlinePlansDir = parameter === 'capacity' && policies.includes('offline') ? path.join(dir, 'offline-plans') : undefined;
  if (offlinePlansDir !== undefined) resetOfflinePlanStore(offlinePlansDir);
  // ... and its rolling runs the capacity bound nowhere, replayed at the capacities above (scenarios/capacity-slack.ts).
  const rollingRunsDir = parameter === 'capacity' && opts.rollingReuse !== false && policies.some(capacityCheckable) ? path.join(dir, 'rolling-runs') : undefined;
  if (rollingRunsDir !== undefined) resetRollingRunStore(rollingRunsDir);
  const pool = await runPool(tasks, workers, dataDir, (label, result) => {
    appendFileSync(journal, `${JSON.stringify(result)}\n`);
    progress.done(label);
  }, (line) => appendFileSync(usageLog, `${JSON.stringify(line)}\n`), parameter, { ...(offlinePlansDir !== undefined ? { offlinePlansDir } : {}), ...(rollingRunsDir !== undefined ? { rollingRunsDir } : {}) }, lpBackend);
  progress.stop();
  const elapsedMs = wallClock() - started;

  const runs = withOfflineGaps(pool.runs).sort((a, b) => a.index - b.index);
  const failures = pool.failures.sort((a, b) => a.index - b.index);
  const rows = sweepRows(runs, failures);
  const currency = loaded[0]!.scenario.site.currency;
  const commit = gitCommit();
  const solver = [...pool.solvers].join(', ') || 'none loaded';
  const offlineBudget = offlineBudgetSummary(runs.filter((r) => r.policy === 'offline').map((r) => ({ work: r.provenance.offlinePlan?.work ?? null })));
  const facts: [string, string][] = [
    ['scenarios', loaded.map((l) => `${l.scenario.name} (${scenarioHash(l.scenario)})`).join(', ')],
    ['parameter', `${parameter}: ${values.join(', ')}`],
    ['policies', policies.join(', ')],
    ['seeds', seeds.join(', ')],
    ['runs', `${tasks.length} (${runs.length} finished, ${failures.length} failed) on ${workers} worker processes`],
    ['wall time', `${(elapsedMs / 1000).toFixed(1)} s`],
    ['solver', solver],
    ...(offlinePlansDir !== undefined ? [['offline rows', offlineRowRuleLabel(offlineRows)] as [string, string]] : []),
    ...(offlineBudget !== undefined ? [['offline budget', offlineBudget] as [string, string]] : []),
    ['git commit', commit],
    ['started', startedAt],
  ];
  const summary = {
    parameter,
    values,
    seeds,
    policies,
    scenarios: loaded.map((l) => ({ name: l.scenario.name, hash: scenarioHash(l.scenario), dataFiles: l.dataFiles })),
    dataDir,
    gitCommit: commit,
    solver,
    ...(offlinePlansDir !== undefined ? { offlineRows: { rule: offlineRows, meaning: offlineRowRuleLabel(offlineRows) } } : {}),
    ...(offlineBudget !== undefined ? { offlineBudget } : {}),
    workers,
    startedAt,
    elapsedMs,
    rows,
    runs: runs.map((r) => ({ ...r, provenance: { ...r.provenance, notes: undefined } })),
    failures,
    notes: [...new Set(runs.flatMap((r) => r.provenance.notes))],
  };
  const unit = parameterUnits[parameter] ?? '';
  const files = await writeOutputs(dir, {
    'sweep.json': `${JSON.stringify(summary, null, 2)}\n`,
    'sweep.csv': sweepCsv(parameter, rows),
    'runs.csv': sweepRunsCsv(parameter, runs, failures),
    'sweep.md': `# Sweep over ${parameter}\n\n${facts.map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n${sweepMarkdown(parameter, rows, currency)}\n`,
    'sweep.html': sweepReportHtml(rows, { chartJsSource: await chartJsSource(), parameter, parameterUnit: unit, currency, facts }),
  });

  out(`sweep over ${parameter}: ${tasks.length} runs (${loaded.length} scenario(s) x ${values.length} values x ${policies.length} policies x ${seeds.length} seeds) on ${workers} workers, ${(elapsedMs / 1000).toFixed(1)} s`);
  if (offlinePlansDir !== undefined) out(`note: ${offlineRowRuleLabel(offlineRows)}`);
  if (offlineBudget !== undefined) out(`note: offline budget: ${offlineBudget}`);
  for (const note of summary.notes) out(`note: ${note}`);
  const fallbacks = rows.filter((r) => r.fallbackDecisions > 0);
  if (fallbacks.length > 0) out(`warning: ${fallbacks.length} row(s) include fallback decisions (status timed_out or error): see the statuses column`);
  for (const f of failures) out(`FAILED: ${taskLabel(f, parameter)}: ${f.error.code}: ${f.error.message}`);
  out('');
  for (const line of terminalSummary(rows, parameter)) out(line);
  out(`wrote ${files.join(', ')}`);
  if (failures.length > 0) state.exitCode = 1;
}
