/**
 * `v2g replay [scenario] [--policy P] [--seed S] [--out DIR] [--data-dir DIR] [--no-gap]`
 *
 * Replays one scenario under one policy and writes run.json, timeseries.csv, sessions.csv and report.html
 * into DIR (default `out/<scenario>-<policy>-seed<S>`). The scenario defaults to the generated demo. Unless `--no-gap`, the offline optimum is replayed
 * too, for the gap KPI. A progress bar is drawn on standard error when it is a terminal.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { kpiSummaryText } from '../../scenarios/kpi-table.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { requirePolicyName } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import { sessionsCsv, timeseriesCsv } from '../../scenarios/result-csv.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { replayProgress } from './replay-progress.ts';
import { integerOption, loadHighsBackend, solverSetup, wallClock, withInputErrors } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitCommit, loadScenarioFiles, writeOutputs } from './scenario-files.ts';

interface ReplayOptions {
  policy?: string;
  seed?: number;
  out?: string;
  dataDir?: string;
  gap: boolean;
}

/** Adds `replay` to the program; `out` receives the summary lines. */
export function registerReplayCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('replay')
    .description('replay a scenario under one policy: writes run.json, timeseries.csv, sessions.csv and report.html')
    .argument('[scenario]', 'a scenario file, or the name of a shipped scenario (generated-demo, caltech-week, caltech-month, belgian-depot-v2g, belgian-depot-no-v2g)', 'generated-demo')
    .option('--policy <name>', "mpc, offline, uncontrolled, alap, edf, llf, round-robin or price-greedy (default: the scenario's)")
    .option('--seed <s>', "seed of every random draw (default: the scenario's)", integerOption('--seed'))
    .option('--out <dir>', 'output directory (default out/<scenario>-<policy>-seed<seed>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .option('--no-gap', 'do not replay the offline optimum (no gap KPI)');
  command.showHelpAfterError(false);
  command.action(async (scenarioArg: string, opts: ReplayOptions) => withInputErrors(command, async () => {
    const startedAt = new Date().toISOString();
    const loaded = await loadScenarioFiles(scenarioArg, dataDirectory(opts.dataDir));
    const scenario = loaded.scenario;
    const policy = requirePolicyName(opts.policy ?? scenario.policy.name, opts.policy !== undefined ? '--policy' : '/policy/name');
    const inputs = loadReplayInputs(scenario, loaded.texts, opts.seed !== undefined ? { seed: opts.seed } : {});
    const needsLp = policy === 'mpc' || policy === 'offline' || opts.gap;
    const highs = needsLp ? await loadHighsBackend() : undefined;
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

    const commit = gitCommit();
    const record = runRecord(inputs, result, { gitCommit: commit, ...(highs ? { highsVersion: highs.version } : {}), startedAt, elapsedMs }, loaded.dataFiles, reference);
    const dir = opts.out ?? path.join('out', `${scenario.name}-${policy}-seed${inputs.seed}`);
    const files = await writeOutputs(dir, {
      'run.json': `${JSON.stringify(record, null, 2)}\n`,
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
    for (const note of result.notes) out(`note: ${note}`);
    out('');
    out(kpiSummaryText(record.kpis, inputs.site.currency));
    out('');
    out(`wrote ${files.join(', ')}`);
  }));
}
