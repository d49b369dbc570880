/**
 * The sweep's table and report from real runs of the generated demo (in-process, no workers): gaps to the
 * offline run of the same value and seed, mean and sample spread over seeds, every row saying how it was made,
 * failures kept, and the report's charts (one line per policy against the parameter).
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { sweepTasks } from '../../scenarios/sweep-plan.ts';
import { sweepCharts, sweepReportHtml } from '../../scenarios/sweep-report-html.ts';
import { spread, sweepCsv, sweepMarkdown, sweepMetricKeys, sweepRows, sweepRunsCsv, withOfflineGaps, type SweepFailure, type SweepRun } from '../../scenarios/sweep-table.ts';
import { runSweepTask } from '../../scenarios/sweep-task.ts';
import { demoScenario, highsBackend } from './scenario-test-helpers.ts';

let runs: SweepRun[];
const failure: SweepFailure = { index: 99, scenarioName: 'generated-demo', value: 120, seed: 1, policy: 'edf', error: { code: 'V2G_ERR_SWEEP_WORKER', message: 'the worker process ended' } };

beforeAll(async () => {
  const backend = await highsBackend();
  const tasks = sweepTasks([demoScenario()], 'capacity', [60, 120], [1, 2], ['offline', 'edf', 'mpc']);
  let t = 0;
  runs = withOfflineGaps(tasks.map((task) => runSweepTask(task, new Map(), { backend, options: { timeLimitMs: 60_000 } }, 'highs test', () => (t += 5))));
}, 300_000);

describe('sweep runs', () => {
  it('say how they were made: the solver for LP policies, "none" for baselines, plan statuses and fallbacks', () => {
    const mpc = runs.find((r) => r.policy === 'mpc')!;
    const edf = runs.find((r) => r.policy === 'edf')!;
    const offline = runs.find((r) => r.policy === 'offline')!;
    expect(mpc.provenance.solver).toBe('highs test, taper-aware planning'); // the demo's physics tapers (charge-taper.ts)
    expect(edf.provenance.solver).toBe('none (baseline edf)');
    expect(offline.provenance.offlinePlan).toMatchObject({ status: expect.stringMatching(/optimal|feasible/) });
    for (const r of runs) {
      const counts = r.provenance.statusCounts;
      expect(r.provenance.fallbackDecisions).toBe((counts.timed_out ?? 0) + (counts.error ?? 0));
      // One status per decision; offline applies its one plan at every decision (solveCount counts its one solve).
      if (r.policy !== 'offline') expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(r.kpis.solveCount);
    }
  });

  it('have their gap to the offline run of the same value and seed (0 for offline itself)', () => {
    for (const r of runs) {
      const ref = runs.find((o) => o.policy === 'offline' && o.value === r.value && o.seed === r.seed)!;
      expect(r.kpis.gapToOfflinePct).toBeCloseTo(((r.kpis.netCost - ref.kpis.netCost) / Math.abs(ref.kpis.netCost)) * 100, 9);
    }
    expect(runs.filter((r) => r.policy === 'offline').every((r) => r.kpis.gapToOfflinePct === 0)).toBe(true);
  });
});

describe('sweep table', () => {
  it('spread: mean and sample standard deviation of the defined values', () => {
    expect(spread([1, 3, undefined])).toEqual({ mean: 2, sd: Math.SQRT2, n: 2 });
    expect(spread([5])).toEqual({ mean: 5, sd: 0, n: 1 });
    expect(spread([undefined])).toBeUndefined();
  });

  it('one row per value and policy over both seeds, failures counted where they happened', () => {
    const rows = sweepRows(runs, [failure]);
    expect(rows.map((r) => `${r.value}/${r.policy}`)).toEqual(['60/offline', '60/edf', '60/mpc', '120/offline', '120/edf', '120/mpc']);
    for (const row of rows) {
      const mine = runs.filter((r) => r.value === row.value && r.policy === row.policy);
      expect(row.seeds).toEqual([1, 2]);
      expect(row.metrics.energyDeliveredPct!.mean).toBeCloseTo((mine[0]!.kpis.energyDeliveredPct + mine[1]!.kpis.energyDeliveredPct) / 2, 9);
    }
    expect(rows.find((r) => r.value === 120 && r.policy === 'edf')!.failures).toBe(1);
    expect(rows.find((r) => r.policy === 'offline')!.bound).toMatch(/^seed 1: offline (optimum \(plan objective -?\d|NOT PROVEN OPTIMAL \(feasible: plan objective -?[\d.]+, bound -?[\d.]+, gap [\d.]+ %\))/);
    expect(rows.find((r) => r.policy === 'edf')!.bound).toBe('-');
  });

  it('CSV: a mean and an sd column per metric, then the provenance columns', () => {
    const rows = sweepRows(runs, [failure]);
    const table = parse(sweepCsv('capacity', rows), { columns: true }) as Record<string, string>[];
    expect(table).toHaveLength(6);
    for (const k of sweepMetricKeys) expect(Object.keys(table[0]!)).toContain(`${k}_mean`);
    expect(Object.keys(table[0]!).slice(-7)).toEqual(['solver', 'statuses', 'fallback_decisions', 'bound', 'failed_runs', 'mean_run_s', 'mean_cpu_s']);
    expect(table.find((r) => r.policy === 'edf' && r.capacity === '120')!.failed_runs).toBe('1');
    const all = parse(sweepRunsCsv('capacity', runs, [failure]), { columns: true }) as Record<string, string>[];
    expect(all).toHaveLength(runs.length + 1);
    expect(all.at(-1)!.error).toBe('V2G_ERR_SWEEP_WORKER: the worker process ended');
  });

  it('Markdown shows mean ± sd with more than one seed', () => {
    const md = sweepMarkdown('capacity', sweepRows(runs), 'EUR');
    expect(md.split('\n')).toHaveLength(2 + 6);
    expect(md).toMatch(/\| generated-demo \| 60 \| mpc \| 2 \| [\d.]+ ± [\d.]+ \|/);
  });
});

describe('sweep report', () => {
  it('one chart per metric with values, one line per policy, x = the parameter values', () => {
    const rows = sweepRows(runs);
    const charts = sweepCharts(rows, { parameter: 'capacity', parameterUnit: 'kW', currency: 'EUR' });
    // No network in the demo: no unbalance chart.
    expect(charts.map((c) => c.title.split(' (')[0])).toEqual(['delivered/requested', 'peak import', 'max utilisation', 'gap to offline', 'net cost']);
    for (const c of charts) {
      expect(c.labels).toEqual(['60', '120']);
      expect(c.series.map((s) => s.policy)).toEqual(['offline', 'edf', 'mpc']);
    }
    const html = sweepReportHtml(rows, { chartJsSource: '/* chart.js */', parameter: 'capacity', parameterUnit: 'kW', currency: 'EUR', facts: [['git commit', 'abc']] });
    expect(html).toContain('<canvas id="chart-4">');
    expect(html).toContain('id="sweep-table"');
    expect(html).toContain('none (baseline edf)');
  });
});
