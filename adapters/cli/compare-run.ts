/** The body of `v2g compare` (compare-command.ts defines its arguments and options). */
import path from 'node:path';
import { comparePolicies, parsePolicyList } from '../../scenarios/compare-runs.ts';
import { kpiTableCsv, kpiTableMarkdown, kpiTableText } from '../../scenarios/kpi-table.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import { sessionsCsv, timeseriesCsv } from '../../scenarios/result-csv.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { scenarioHash } from '../../scenarios/scenario-hash.ts';
import { replayProgress, type ProgressReporter } from './replay-progress.ts';
import { loadHighsBackend, solverSetup, wallClock } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitCommit, loadScenarioFiles, writeOutputs } from './scenario-files.ts';

/** The options of `v2g compare` (compare-command.ts defines them). */
export interface CompareOptions {
  policies: string;
  seed?: number;
  out?: string;
  dataDir?: string;
  full: boolean;
}

/** Replays `scenarioArg` under each policy, writes the comparison and prints the KPI table to `out`. */
export async function runCompareCommand(scenarioArg: string, opts: CompareOptions, out: (line: string) => void): Promise<void> {
  const startedAt = new Date().toISOString();
  const policies = parsePolicyList(opts.policies);
  const loaded = await loadScenarioFiles(scenarioArg, dataDirectory(opts.dataDir));
  const scenario = loaded.scenario;
  const inputs = loadReplayInputs(scenario, loaded.texts, opts.seed !== undefined ? { seed: opts.seed } : {});
  const highs = await loadHighsBackend();
  let bar: ProgressReporter | undefined;
  const started = wallClock();
  const comparison = comparePolicies(
    inputs,
    policies,
    { solver: solverSetup(scenario, highs.backend), clock: wallClock, onProgress: (p) => bar?.update(p) },
    (policy) => {
      bar?.stop();
      bar = replayProgress(policy);
    },
  );
  bar?.stop();
  const elapsedMs = wallClock() - started;
  const commit = gitCommit();
  const currency = inputs.site.currency;
  const dir = opts.out ?? path.join('out', `${scenario.name}-compare-seed${inputs.seed}`);
  const summary = {
    scenario: { name: scenario.name, hash: scenarioHash(scenario), dataFiles: loaded.dataFiles },
    seed: inputs.seed,
    gitCommit: commit,
    solver: { name: 'highs', version: highs.version },
    startedAt,
    elapsedMs,
    currency,
    reference: { policy: 'offline', ...comparison.runs[0]!.result.offlinePlan },
    rows: comparison.rows,
    notes: comparison.runs[0]?.result.notes ?? [],
  };
  const files = await writeOutputs(dir, {
    'compare.json': `${JSON.stringify(summary, null, 2)}\n`,
    'compare.csv': kpiTableCsv(comparison.rows),
    'compare.md': `# ${scenario.name}, seed ${inputs.seed}\n\n${kpiTableMarkdown(comparison.rows, currency)}\n`,
  });
  if (opts.full) {
    const chartJs = await chartJsSource();
    const reference = comparison.runs[0]!.result;
    for (const run of comparison.runs) {
      const record = runRecord(inputs, run.result, { gitCommit: commit, highsVersion: highs.version, startedAt, elapsedMs: run.elapsedMs }, loaded.dataFiles, reference);
      files.push(...(await writeOutputs(path.join(dir, run.policy), {
        'run.json': `${JSON.stringify(record, null, 2)}\n`,
        'timeseries.csv': timeseriesCsv(run.result),
        'sessions.csv': sessionsCsv(run.result),
        'report.html': reportHtml(run.result, { chartJsSource: chartJs, offline: reference, facts: [['scenario', scenario.description], ['scenario hash', record.scenario.hash], ['git commit', commit], ['solver', `${record.solver.name} ${record.solver.version}`]] }),
      })));
    }
  }
  out(`${scenario.name}: seed ${inputs.seed}, ${inputs.sessions.length} sessions, ${comparison.runs.length} runs, ${(elapsedMs / 1000).toFixed(1)} s`);
  out(`reference: ${comparison.runs[0]!.result.offlinePlan?.label ?? 'offline'}`);
  for (const note of summary.notes) out(`note: ${note}`);
  out('');
  out(kpiTableText(comparison.rows, currency, true));
  out('(every KPI: compare.md / compare.csv)');
  out('');
  out(`wrote ${files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ')}`);
}
