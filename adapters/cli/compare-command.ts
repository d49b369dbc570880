/**
 * `v2g compare [scenario] [--policies mpc,uncontrolled,edf,...] [--seed S] [--out DIR] [--data-dir DIR] [--full]`
 *
 * Replays the scenario under each policy, with the offline optimum as the reference row, prints the KPI
 * table and writes compare.json, compare.csv and compare.md into DIR (default
 * `out/<scenario>-compare-seed<S>`); with `--full`, each run's own outputs too (DIR/<policy>/...).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { comparePolicies, parsePolicyList } from '../../scenarios/compare-runs.ts';
import { kpiTableCsv, kpiTableMarkdown, kpiTableText } from '../../scenarios/kpi-table.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { policyNames } from '../../scenarios/policies.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import { sessionsCsv, timeseriesCsv } from '../../scenarios/result-csv.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { scenarioHash } from '../../scenarios/scenario-hash.ts';
import { replayProgress, type ProgressReporter } from './replay-progress.ts';
import { integerOption, loadHighsBackend, solverSetup, wallClock, withInputErrors } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitCommit, loadScenarioFiles, writeOutputs } from './scenario-files.ts';

interface CompareOptions {
  policies: string;
  seed?: number;
  out?: string;
  dataDir?: string;
  full: boolean;
}

const defaultPolicies = policyNames.filter((p) => p !== 'offline').join(',');

/** Adds `compare` to the program; `out` receives the table. */
export function registerCompareCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('compare')
    .description('replay a scenario under several policies side by side, the offline optimum as the reference row')
    .argument('[scenario]', 'a scenario file, or the name of a shipped scenario', 'generated-demo')
    .option('--policies <list>', 'comma-separated policies', defaultPolicies)
    .option('--seed <s>', "seed of every random draw (default: the scenario's)", integerOption('--seed'))
    .option('--out <dir>', 'output directory (default out/<scenario>-compare-seed<seed>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .option('--full', "also write each run's run.json, CSV files and report.html (DIR/<policy>/)", false);
  command.showHelpAfterError(false);
  command.action(async (scenarioArg: string, opts: CompareOptions) => withInputErrors(command, async () => {
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
      reference: 'offline',
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
    for (const note of summary.notes) out(`note: ${note}`);
    out('');
    out(kpiTableText(comparison.rows, currency, true));
    out('(every KPI: compare.md / compare.csv)');
    out('');
    out(`wrote ${files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ')}`);
  }));
}
