/** The body of `v2g compare` (compare-command.ts defines its arguments and options). */
import path from 'node:path';
import { comparePolicies, parsePolicyList } from '../../scenarios/compare-runs.ts';
import { compareReportHtml } from '../../scenarios/compare-report-html.ts';
import { kpiTableCsv, kpiTableMarkdown, kpiTableText, timingTableCsv, withoutTimings } from '../../scenarios/kpi-table.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import { sessionsCsv, timeseriesCsv } from '../../scenarios/result-csv.ts';
import { runRecord, runTimings } from '../../scenarios/run-record.ts';
import { scenarioHash } from '../../scenarios/scenario-hash.ts';
import { replayProgress, type ProgressReporter } from './replay-progress.ts';
import { lpBackendChoice, loadLpBackend } from './lp-backend-choice.ts';
import { solverSetup, wallClock } from './scenario-command-support.ts';
import { chartJsSource, dataDirectory, gitState, loadScenarioFiles, writeOutputs } from './scenario-files.ts';

/** The options of `v2g compare` (compare-command.ts defines them). */
export interface CompareOptions {
  policies: string;
  seed?: number;
  out?: string;
  dataDir?: string;
  full: boolean;
  /** `highs` (default) or `clp`; else `V2G_LP_BACKEND`. */
  lpBackend?: string;
}

/** Replays `scenarioArg` under each policy, writes the comparison and prints the KPI table to `out`. */
export async function runCompareCommand(scenarioArg: string, opts: CompareOptions, out: (line: string) => void): Promise<void> {
  const startedAt = new Date().toISOString();
  const policies = parsePolicyList(opts.policies);
  const loaded = await loadScenarioFiles(scenarioArg, dataDirectory(opts.dataDir));
  const scenario = loaded.scenario;
  const inputs = loadReplayInputs(scenario, loaded.texts, opts.seed !== undefined ? { seed: opts.seed } : {});
  const highs = await loadLpBackend(lpBackendChoice(opts.lpBackend));
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
  const git = gitState();
  const commit = git.dirty ? `${git.commit}-dirty` : git.commit;
  const currency = inputs.site.currency;
  const dir = opts.out ?? path.join('out', `${scenario.name}-compare-seed${inputs.seed}`);
  const reference = comparison.runs[0]!.result;
  const { elapsedMs: _offlineMs, ...referencePlan } = reference.offlinePlan!;
  const provenance = { git, node: process.version, highs: highs.highsVersion, ...(highs.clpVersion !== undefined ? { clp: highs.clpVersion } : {}), commandOptions: { scenario: scenarioArg, ...opts, out: undefined } };
  // Result files are deterministic for the same code, data and options; every wall-clock figure goes to timings.*.
  const summary = {
    scenario: { name: scenario.name, hash: scenarioHash(scenario), dataFiles: loaded.dataFileRecords },
    seed: inputs.seed,
    gitCommit: commit,
    solver: highs.clpVersion !== undefined ? { name: 'clp', version: `${highs.clpVersion} (MILPs: highs ${highs.highsVersion})` } : { name: 'highs', version: highs.highsVersion },
    provenance,
    currency,
    reference: { policy: 'offline', ...referencePlan },
    rows: comparison.rows.map((r) => ({ ...r, kpis: withoutTimings(r.kpis) })),
    notes: reference.notes,
  };
  const timings = {
    startedAt,
    elapsedMs,
    runs: comparison.runs.map((r) => ({ policy: r.policy, ...runTimings(r.result, startedAt, r.elapsedMs) })),
  };
  const chartJs = await chartJsSource();
  const files = await writeOutputs(dir, {
    'compare.json': `${JSON.stringify(summary, null, 2)}\n`,
    'compare.csv': kpiTableCsv(comparison.rows),
    'compare.md': `# ${scenario.name}, seed ${inputs.seed}\n\n${kpiTableMarkdown(comparison.rows, currency)}\n`,
    'compare.html': compareReportHtml(comparison, { chartJsSource: chartJs, title: `${scenario.name}, seed ${inputs.seed}`, facts: [['scenario', scenario.description], ['scenario hash', summary.scenario.hash], ['git commit', commit], ['solver', highs.label], ['Node', process.version]] }),
    'timings.json': `${JSON.stringify(timings, null, 2)}\n`,
    'timings.csv': timingTableCsv(comparison.rows),
  });
  if (opts.full) {
    for (const run of comparison.runs) {
      const record = runRecord(inputs, run.result, { gitCommit: commit, gitDirty: git.dirty, highsVersion: highs.highsVersion, ...(highs.clpVersion !== undefined ? { clpVersion: highs.clpVersion } : {}), nodeVersion: process.version, commandOptions: provenance.commandOptions }, loaded.dataFileRecords, reference);
      files.push(...(await writeOutputs(path.join(dir, run.policy), {
        'run.json': `${JSON.stringify(record, null, 2)}\n`,
        'timings.json': `${JSON.stringify(runTimings(run.result, startedAt, run.elapsedMs), null, 2)}\n`,
        'timeseries.csv': timeseriesCsv(run.result),
        'sessions.csv': sessionsCsv(run.result),
        'report.html': reportHtml(run.result, { chartJsSource: chartJs, offline: reference, facts: [['scenario', scenario.description], ['scenario hash', record.scenario.hash], ['git commit', commit], ['solver', `${record.solver.name} ${record.solver.version}`]] }),
      })));
    }
  }
  out(`${scenario.name}: seed ${inputs.seed}, ${inputs.sessions.length} sessions, ${comparison.runs.length} runs, ${(elapsedMs / 1000).toFixed(1)} s`);
  out(`reference: ${reference.offlinePlan?.label ?? 'offline'}`);
  for (const note of summary.notes) out(`note: ${note}`);
  out('');
  out(kpiTableText(comparison.rows, currency, true));
  out('(every KPI: compare.md / compare.csv)');
  out('');
  out(`wrote ${files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ')}`);
}
