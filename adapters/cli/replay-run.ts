/** The body of `v2g replay` (replay-command.ts defines its arguments and options). */
import path from 'node:path';
import { kpiSummaryText } from '../../scenarios/kpi-table.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { policyNeedsSolver, requirePolicyName } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import { sessionsCsv, timeseriesCsv } from '../../scenarios/result-csv.ts';
import { runRecord, runTimings } from '../../scenarios/run-record.ts';
import { howRunWasMade } from '../../scenarios/run-label.ts';
import { replayProgress } from './replay-progress.ts';
import { lpBackendChoice, loadLpBackend } from './lp-backend-choice.ts';
import { solverSetup, wallClock } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitState, loadScenarioFiles, writeOutputs } from './scenario-files.ts';

/** The options of `v2g replay` (replay-command.ts defines them). */
export interface ReplayOptions {
  policy?: string;
  seed?: number;
  out?: string;
  dataDir?: string;
  gap: boolean;
  /** `highs` (default) or `clp`; else `V2G_LP_BACKEND`. */
  lpBackend?: string;
}

/** Replays `scenarioArg` as the options say, writes the outputs and prints the KPI summary to `out`. */
export async function runReplayCommand(scenarioArg: string, opts: ReplayOptions, out: (line: string) => void): Promise<void> {
  const startedAt = new Date().toISOString();
  const loaded = await loadScenarioFiles(scenarioArg, dataDirectory(opts.dataDir));
  const scenario = loaded.scenario;
  const policy = requirePolicyName(opts.policy ?? scenario.policy.name, opts.policy !== undefined ? '--policy' : '/policy/name');
  const inputs = loadReplayInputs(scenario, loaded.texts, opts.seed !== undefined ? { seed: opts.seed } : {});
  const needsLp = policyNeedsSolver(policy) || opts.gap;
  const choice = lpBackendChoice(opts.lpBackend);
  const highs = needsLp ? await loadLpBackend(choice) : undefined;
  const solver = highs ? solverSetup(scenario, highs.backend) : {};

  const started = wallClock();
  let offline;
  if (opts.gap && policy !== 'offline') {
    const bar = replayProgress('offline');
    offline = runReplay(inputs, 'offline', { solver, clock: wallClock, onProgress: (p) => bar.update(p) });
    bar.stop();
  }
  const bar = replayProgress(policy);
  const result = policy === 'offline' && offline === undefined
    ? runReplay(inputs, 'offline', { solver, clock: wallClock, onProgress: (p) => bar.update(p) })
    : runReplay(inputs, policy, { solver, clock: wallClock, onProgress: (p) => bar.update(p) });
  bar.stop();
  const elapsedMs = wallClock() - started;
  const reference = policy === 'offline' ? result : offline;

  const git = gitState();
  const commit = git.dirty ? `${git.commit}-dirty` : git.commit;
  const record = runRecord(inputs, result, { gitCommit: commit, gitDirty: git.dirty, ...(highs ? { highsVersion: highs.highsVersion, ...(highs.clpVersion !== undefined ? { clpVersion: highs.clpVersion } : {}) } : {}), nodeVersion: process.version, commandOptions: { scenario: scenarioArg, ...opts, out: undefined } }, loaded.dataFileRecords, reference);
  const dir = opts.out ?? path.join('out', `${scenario.name}-${policy}-seed${inputs.seed}`);
  const files = await writeOutputs(dir, {
    'run.json': `${JSON.stringify(record, null, 2)}\n`,
    'timings.json': `${JSON.stringify(runTimings(result, startedAt, elapsedMs), null, 2)}\n`,
    'timeseries.csv': timeseriesCsv(result),
    'sessions.csv': sessionsCsv(result),
    'report.html': reportHtml(result, {
      chartJsSource: await chartJsSource(),
      ...(reference ? { offline: reference } : {}),
      facts: [
        ['scenario', scenario.description],
        ['scenario hash', record.scenario.hash],
        ['git commit', commit],
        ['solver', `${record.solver.name} ${record.solver.version}`],
      ],
    }),
  });
  out(`${scenario.name}: ${policy}, seed ${inputs.seed}, ${result.sessions.length} sessions, ${result.slots.startUtcMs.length} slots, ${(elapsedMs / 1000).toFixed(1)} s`);
  out(`how made: ${howRunWasMade(result)}`);
  if (reference?.offlinePlan && reference !== result) out(`reference: ${reference.offlinePlan.label}`);
  for (const note of result.notes) out(`note: ${note}`);
  out('');
  out(kpiSummaryText(record.kpis, inputs.site.currency));
  out('');
  out(`wrote ${files.join(', ')}`);
}
