/**
 * `v2g sweep` end to end: main() in-process, its runs on two worker processes (`v2g sweep-worker` over IPC),
 * on the generated demo (no data directory needed); and its input errors (exit code 2, the option named).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';

async function v2g(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'v2g', ...args], (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('v2g sweep', () => {
  it('runs values x policies on two worker processes and writes the table, the runs and the report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-sweep-'));
    const r = await v2g('sweep', 'generated-demo', '--param', 'capacity', '--values', '60,120', '--policies', 'edf,uncontrolled', '--seeds', '1', '--workers', '2', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('sweep over capacity: 4 runs (1 scenario(s) x 2 values x 2 policies x 1 seeds) on 2 workers');
    expect(r.out).toMatch(/^60 +[\d.]+ +[\d.]+$/m);
    const rows = parse(readFileSync(path.join(dir, 'sweep.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => `${x.capacity}/${x.policy}`)).toEqual(['60/edf', '60/uncontrolled', '120/edf', '120/uncontrolled']);
    for (const row of rows) {
      // uncontrolled ignores every limit: its 60 kW run is replayed at 120, and the row says so (capacity-slack.ts).
      const reused = row.policy === 'uncontrolled' && row.capacity === '120' ? '; decisions reused from capacity 60 (uncontrolled ignores every limit; replayed at 120, every state checked, KPIs recomputed)' : '';
      expect(row.solver).toBe(`none (baseline ${row.policy})${reused}`);
      expect(row.failed_runs).toBe('0');
      expect(Number(row.energyDeliveredPct_mean)).toBeGreaterThan(0);
    }
    const summary = JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8'));
    expect(summary.solver).toMatch(/^highs \d+\.\d+\.\d+/);
    expect(summary.runs).toHaveLength(4);
    expect(summary.failures).toEqual([]);
    expect(readFileSync(path.join(dir, 'sweep.md'), 'utf8')).toContain('| generated-demo | 120 | uncontrolled | 1 |');
    const html = readFileSync(path.join(dir, 'sweep.html'), 'utf8');
    expect(html).toContain('<canvas id="chart-0">');
    expect(readFileSync(path.join(dir, 'runs.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
    expect(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).toContain('decisions reused from capacity 60');
    expect(html).toContain('decisions reused from capacity 60');
    const [un60, un120] = (summary.runs as { policy: string; kpis: Record<string, number>; provenance: { capacity: object } }[]).filter((x) => x.policy === 'uncontrolled');
    expect(un60!.provenance.capacity).toEqual({ checked: true, bound: false });
    expect(un120!.provenance.capacity).toEqual({ checked: true, bound: false, reusedFromCapacity: 60 });
    expect(un120!.kpis.energyDeliveredKwh).toBe(un60!.kpis.energyDeliveredKwh);
    expect(un120!.kpis.maxUtilisationPct!).toBeCloseTo(un60!.kpis.maxUtilisationPct! / 2, 9);
    expect(readdirSync(path.join(dir, 'rolling-runs'))).toContain('generated-demo--seed1--uncontrolled--60.json');
    // workers.jsonl: each worker's start and each task, with the process that ran it, when, and what it cost.
    const usage = readFileSync(path.join(dir, 'workers.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const starts = usage.filter((u) => u.kind === 'start');
    const tasks = usage.filter((u) => u.kind === 'task');
    expect(starts).toHaveLength(2);
    expect(tasks.map((u) => u.index).sort()).toEqual([0, 1, 2, 3]);
    for (const u of usage) {
      expect(starts.map((w) => w.pid)).toContain(u.pid);
      expect(u.endUtcMs as number).toBeGreaterThanOrEqual(u.startUtcMs as number);
      for (const k of ['userMs', 'systemMs', 'minorPageFaults', 'rssBytes', 'wasmHeapBytes']) expect(u[k] as number).toBeGreaterThanOrEqual(0);
    }
    expect(tasks.map((u) => u.label).sort()).toEqual(['edf', 'edf', 'uncontrolled', 'uncontrolled'].map((p, i) => `generated-demo capacity=${i % 2 === 0 ? 60 : 120} seed 1 ${p}`).sort());
  }, 600_000);

  it('with --no-rolling-reuse runs every capacity afresh', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-sweep-'));
    const r = await v2g('sweep', 'generated-demo', '--param', 'capacity', '--values', '60,120', '--policies', 'uncontrolled', '--seeds', '1', '--workers', '1', '--out', dir, '--no-rolling-reuse');
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(path.join(dir, 'sweep.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.solver)).toEqual(['none (baseline uncontrolled)', 'none (baseline uncontrolled)']);
    expect(readdirSync(dir)).not.toContain('rolling-runs');
  }, 600_000);

  it('chained (the default): solves the offline reference from the largest capacity down and reuses a plan where it is exact, saying so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-sweep-'));
    const r = await v2g('sweep', 'generated-demo', '--param', 'capacity', '--values', '300,400', '--policies', 'offline', '--seeds', '1', '--workers', '2', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8'));
    const [low, high] = summary.runs as { value: number; kpis: { netCost: number }; provenance: { offlinePlan: { objective: number; status: string; label: string; work: { limit: object; spent: { simplexIterations: number } } | null } } }[];
    expect([low!.value, high!.value]).toEqual([300, 400]);
    expect(summary.notes.join(' ')).toMatch(/offline reference reused exactly from capacity 400 \(solved at 400\)/);
    const { label: lowLabel, work: lowWork, ...lowPlan } = low!.provenance.offlinePlan;
    const { label: highLabel, work: highWork, ...highPlan } = high!.provenance.offlinePlan;
    expect(lowPlan).toEqual(highPlan);
    // The budget and the work spent: the solved row's own; the reused row made no solve.
    expect(highWork!.limit).toEqual({ simplexIterations: 2_000_000, mipNodes: 500 });
    expect(highWork!.spent.simplexIterations).toBeGreaterThan(0);
    expect(lowWork).toBeNull();
    expect(highLabel).toMatch(/; work budget: [\d,]+ of 2,000,000 simplex iterations, [\d,]+ of 500 MILP nodes \((not reached|reached: .*)\)$/);
    const budget = /offline budget: deterministic work budget \(2,000,000 simplex iterations, 500 MILP nodes\); 1 solved within it, 0 stopped at it, 0 ended by the wall-clock safety net, 1 reused \(no solve\)/;
    expect(r.out).toMatch(new RegExp(`note: ${budget.source}`));
    expect(`offline budget: ${summary.offlineBudget as string}`).toMatch(budget);
    for (const file of ['sweep.html', 'sweep.md']) expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(/offline budget(: |<\/th><td>)deterministic work budget \(2,000,000 simplex iterations/);
    // A reused plan made no solve: its label has no budget of its own, and says where the plan came from.
    expect(lowLabel).toBe(`${highLabel.replace(/; work budget: .*$/, '')}; plan reused exactly from capacity 400`);
    expect(highLabel).toMatch(/^offline (optimum|NOT PROVEN OPTIMAL .*bound .*gap)/);
    const rows = parse(readFileSync(path.join(dir, 'sweep.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows[0]!.bound).toBe(`seed 1: ${lowLabel}`);
    expect(readdirSync(path.join(dir, 'offline-plans'))).toEqual(['generated-demo--seed1--400.json']);
  }, 600_000);

  it('names the rule of the offline rows in every output: chained by default (may depend on the list), independent on request', async () => {
    for (const [rule, args, words] of [
      ['chained', [], /offline rows chained \(--offline-rows chained, the default\): a row may depend on the other capacities in the list/],
      ['independent', ['--offline-rows', 'independent'], /offline rows independent \(--offline-rows independent\): each row depends on its own capacity alone/],
    ] as const) {
      const dir = mkdtempSync(path.join(tmpdir(), 'v2g-sweep-'));
      const r = await v2g('sweep', 'generated-demo', '--param', 'capacity', '--values', '60', '--policies', 'offline,edf', '--seeds', '1', '--workers', '1', '--out', dir, ...args);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(words);
      const summary = JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8'));
      expect(summary.offlineRows.rule).toBe(rule);
      expect(summary.offlineRows.meaning).toMatch(words);
      const runs = parse(readFileSync(path.join(dir, 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(runs.find((x) => x.policy === 'offline')!.solver).toMatch(words);
      expect(runs.find((x) => x.policy === 'edf')!.solver).not.toMatch(/offline rows/);
      for (const file of ['sweep.html', 'sweep.md']) expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(words);
    }
  }, 600_000);

  it("independent: makes each capacity's offline row from its own capacity alone: the same row in any list, the reference reused only where exact, saying so", async () => {
    const sweep = async (values: string, workers: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'v2g-sweep-'));
      const r = await v2g('sweep', 'generated-demo', '--param', 'capacity', '--values', values, '--policies', 'offline', '--seeds', '1', '--workers', workers, '--out', dir, '--offline-rows', 'independent');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8'));
      type Run = { value: number; kpis: Record<string, number>; provenance: { offlinePlan: { label: string } }; index?: number; elapsedMs?: number; cpuMs?: number };
      const runs = new Map<number, Run>();
      for (const run of summary.runs as Run[]) {
        const { index: _i, elapsedMs: _e, cpuMs: _c, kpis, ...rest } = run;
        runs.set(run.value, { ...rest, kpis: Object.fromEntries(Object.entries(kpis).filter(([k]) => !k.startsWith('solveTime'))) } as Run);
      }
      const csv = parse(readFileSync(path.join(dir, 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      return { dir, summary, runs, csv };
    };
    // The demo's own capacity is 80 kW (the reference); 120 is above it.
    const all = await sweep('120,60', '2');
    const alone = await sweep('60', '1');
    expect(alone.runs.get(60)).toEqual(all.runs.get(60));
    const csvRow = (rows: Record<string, string>[]) => {
      const { elapsed_s: _e, cpu_s: _c, ...rest } = rows.find((x) => x.capacity === '60')!;
      return rest;
    };
    expect(csvRow(alone.csv)).toEqual(csvRow(all.csv));
    const notes = all.summary.notes.join(' ');
    expect(notes).toMatch(/offline solved cold at 120 .*the row depends on this capacity alone/);
    expect(notes).toMatch(/offline at 120: above the reference capacity 80, so no reuse/);
    const label60 = all.runs.get(60)!.provenance.offlinePlan.label;
    expect(label60).toMatch(/^offline (optimum|NOT PROVEN OPTIMAL .*bound .*gap)/);
    // 60 either reuses the reference (said in its label) or is solved cold (said in its notes): never warm from another capacity.
    if (/; plan reused exactly from capacity 80$/.test(label60)) expect(notes).toMatch(/offline reference reused exactly from capacity 80 \(the reference: the scenario at its own capacity 80, solved cold\)/);
    else expect(notes).toMatch(/offline solved cold at 60 /);
    expect(notes).not.toMatch(/warm-started|network rows that the offline solve of capacity/);
    const rows = parse(readFileSync(path.join(all.dir, 'sweep.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.find((x) => x.capacity === '60')!.bound).toBe(`seed 1: ${label60}`);
    expect(readdirSync(path.join(all.dir, 'offline-plans'))).toEqual(['generated-demo--seed1--reference.json']);
  }, 600_000);

  it.each([
    [['--param', 'capacty', '--values', '10'], '--param'],
    [['--values', '10:5:1'], '--values'],
    [['--values', '10', '--seeds', 'x'], '--seeds'],
    [['--values', '10', '--policies', 'mpc,nope'], '/policies'],
    [['--values', '10', '--workers', '0'], '--workers'],
    [['--values', '-10'], '/site/connectionImportKw'],
    [['--values', '60', '--offline-rows', 'warm'], '--offline-rows'],
  ])('refuses %j with exit code 2, naming %s', async (args, field) => {
    const r = await v2g('sweep', 'generated-demo', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(field);
  });

  it('needs --values', async () => {
    const r = await v2g('sweep', 'generated-demo');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--values');
  });
});
