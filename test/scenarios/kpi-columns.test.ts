/**
 * Every KPI a run computes is a column of the KPI table (compare.csv / compare.md, the report's table,
 * the terminal summary), and run.json names every KPI even when it has no value (the gap without an
 * offline run is null, not missing).
 */
import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../scenarios/kpis.ts';
import { kpiColumns, kpiTableCsv, resultKpiColumns } from '../../scenarios/kpi-table.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { demoInputs } from './scenario-test-helpers.ts';

const inputs = demoInputs();
const edf = runReplay(inputs, 'edf', { clock: () => 0 });
const meta = { gitCommit: 'unknown' };

describe('KPI columns', () => {
  it('cover every KPI computed, each once', () => {
    const keys = kpiColumns.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(Object.keys(computeKpis(edf)).sort());
  });

  it('include the per-session unmet kWh minimum, maximum and spread in compare.csv', () => {
    const header = kpiTableCsv([{ policy: 'edf', kpis: computeKpis(edf) }]).split('\n')[0]!.split(',');
    for (const key of ['unmetKwhTotal', 'unmetKwhPerSessionMin', 'unmetKwhPerSessionMax', 'unmetKwhPerSessionStd', 'satisfactionMinPct', 'satisfactionStdPct']) {
      expect(header).toContain(key);
    }
  });
});

describe('run.json KPIs', () => {
  it('name every KPI but the wall-clock timings (those go to timings.json); the gap is null without an offline run', () => {
    const record = JSON.parse(JSON.stringify(runRecord(inputs, edf, meta, [])));
    expect(Object.keys(record.kpis).sort()).toEqual(resultKpiColumns.map((c) => c.key).sort());
    expect(kpiColumns.filter((c) => c.timing).map((c) => c.key).sort()).toEqual(['solveTimeMaxMs', 'solveTimeP50Ms', 'solveTimeP95Ms']);
    expect(JSON.stringify(record)).not.toMatch(/elapsedMs|startedAt|solveTime/);
    expect(record.kpis.gapToOfflinePct).toBeNull();
  });

  it('give the gap in % of the offline net cost when the offline run is there', () => {
    const uncontrolled = runReplay(inputs, 'uncontrolled', { clock: () => 0 });
    const record = runRecord(inputs, edf, meta, [], uncontrolled);
    const reference = computeKpis(uncontrolled).netCost;
    expect(record.kpis.gapToOfflinePct).toBeCloseTo((100 * (record.kpis.netCost - reference)) / Math.abs(reference), 9);
  });
});
