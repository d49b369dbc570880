/**
 * `v2g replay` and `v2g compare` end to end, in-process (main() with captured output), on the generated
 * demo (no data directory needed), plus their input errors (exit code 2, coded message).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { resultKpiColumns } from '../../scenarios/kpi-table.ts';

async function v2g(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'v2g', ...args], (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'v2g-cli-'));

describe('v2g replay', () => {
  it('writes run.json, timeseries.csv, sessions.csv and report.html', async () => {
    const dir = tmp();
    const r = await v2g('replay', 'generated-demo', '--policy', 'mpc', '--seed', '3', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('generated-demo: mpc, seed 3');
    expect(r.out).toContain('gap to offline (%)');
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run.policy).toBe('mpc');
    expect(run.seed).toBe(3);
    expect(run.scenario.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.gitCommit).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    expect(run.solver.name).toBe('highs');
    expect(run.solver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.options).toMatchObject({ slotMinutes: 15, horizonHours: 24, departureKnowledge: 'declared', departureMarginMinutes: 0 });
    for (const c of resultKpiColumns) expect(run.kpis, c.key).toHaveProperty(c.key);
    expect(typeof run.kpis.netCost).toBe('number');
    expect(run.provenance.node).toBe(process.version);
    expect(run.provenance.git.dirty === null || typeof run.provenance.git.dirty === 'boolean').toBe(true);
    expect(run.provenance.commandOptions).toMatchObject({ scenario: 'generated-demo', policy: 'mpc', seed: 3 });
    const timings = JSON.parse(readFileSync(path.join(dir, 'timings.json'), 'utf8'));
    expect(timings.decisionMs.length).toBe(run.decisions.count);
    expect(typeof timings.elapsedMs).toBe('number');
    expect(typeof run.kpis.gapToOfflinePct).toBe('number');
    const slots = parse(readFileSync(path.join(dir, 'timeseries.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(slots.length).toBeGreaterThan(190);
    expect(Object.keys(slots[0]!)).toContain('site_import_kw');
    const sessions = parse(readFileSync(path.join(dir, 'sessions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(sessions).toHaveLength(run.sessions.replayed);
    expect(sessions[0]!.v2g_allowed).toMatch(/^(true|false)$/);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<canvas id="chart-fleet">');
    expect(html).not.toMatch(/<script[^>]+src=/);
    // The report states the scenario's own description (its stated rules: data, scale factors, exclusions).
    expect(html).toContain(run.scenario.description);
  });

  it('replays a baseline without loading a solver when the gap is not wanted', async () => {
    const dir = tmp();
    const r = await v2g('replay', 'generated-demo', '--policy', 'edf', '--no-gap', '--out', dir);
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run.solver).toEqual({ name: 'baseline:edf', version: 'n/a' });
    expect(run.kpis).toHaveProperty('gapToOfflinePct', null);
  });

  it.each([
    ['an unknown policy', ['replay', 'generated-demo', '--policy', 'fastest'], /V2G_ERR_SCENARIO_POLICY[\s\S]*--policy: "fastest"/],
    ['an unknown scenario', ['replay', 'no-such-scenario'], /V2G_ERR_SCENARIO_NOT_FOUND[\s\S]*"no-such-scenario"/],
    ['missing data files', ['replay', 'caltech-week', '--data-dir', '/nonexistent-v2g-data'], /V2G_ERR_SCENARIO_DATA_MISSING[\s\S]*\/data\/sessions\/path/],
    ['an unknown policy in the list', ['compare', 'generated-demo', '--policies', 'mpc,fastest'], /V2G_ERR_SCENARIO_POLICY[\s\S]*\/policies: "fastest"/],
  ])('refuses %s with exit code 2 and a coded message', async (_what, args, message) => {
    const r = await v2g(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('unexpected error');
  });
});

describe('v2g compare', () => {
  it('prints and writes one row per policy, the offline reference first, marked in every output when not proven optimal', async () => {
    const dir = tmp();
    // generated-demo with its offline's 6 A minimum currents by the LP repair (not the exact MILP it gets by default): feasible, not proven optimal.
    const demo = JSON.parse(readFileSync(path.join('scenarios', 'shipped', 'generated-demo.json'), 'utf8'));
    const file = path.join(dir, 'demo-repair.json');
    writeFileSync(file, JSON.stringify({ ...demo, policy: { ...demo.policy, offlineIntegerStrategy: 'repair' } }));
    const r = await v2g('compare', file, '--policies', 'mpc,uncontrolled,edf', '--out', dir);
    expect(r.code).toBe(0);
    const marked = 'offline (reference, NOT PROVEN OPTIMAL)';
    const tableLines = r.out.split('\n').filter((l) => /^(policy|offline|mpc|uncontrolled|edf)\b/.test(l));
    expect(tableLines.map((l) => l.split(/\s{2,}/)[0])).toEqual(['policy', marked, 'mpc', 'uncontrolled', 'edf']);
    expect(r.out).toMatch(/reference: offline NOT PROVEN OPTIMAL \(feasible; plan from the LP repair of minimum currents; plan objective [\d.]+, bound [\d.]+; gap [\d.]+ EUR \([\d.]+ %\)\)/);
    const rows = parse(readFileSync(path.join(dir, 'compare.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.policy)).toEqual([marked, 'mpc', 'uncontrolled', 'edf']);
    expect(rows[0]!.howMade).toMatch(/NOT PROVEN OPTIMAL.*bound/);
    expect(rows[1]!.howMade).toMatch(/^\d+ decisions \(/);
    expect(Number(rows[0]!.gapToOfflinePct)).toBe(0);
    expect(Number(rows[1]!.netCost)).toBeLessThan(Number(rows[2]!.netCost));
    const json = JSON.parse(readFileSync(path.join(dir, 'compare.json'), 'utf8'));
    expect(json.reference.status).toBe('feasible');
    expect(json.reference.bound).toBeLessThanOrEqual(json.reference.objective + 1e-6);
    expect(json.reference.label).toMatch(/NOT PROVEN OPTIMAL/);
    expect(json.rows).toHaveLength(4);
    expect(readFileSync(path.join(dir, 'compare.md'), 'utf8')).toContain(`| ${marked} |`);
  });

  it('writes byte-identical result files across identical runs (timings apart), and compare.html with every policy on the same charts', async () => {
    const [a, b] = [tmp(), tmp()];
    for (const dir of [a, b]) expect((await v2g('compare', 'generated-demo', '--policies', 'mpc,edf', '--out', dir, '--full')).code).toBe(0);
    const results = ['compare.json', 'compare.csv', 'compare.md', 'compare.html', ...['offline', 'mpc', 'edf'].flatMap((p) => ['run.json', 'timeseries.csv', 'sessions.csv', 'report.html'].map((f) => `${p}/${f}`))];
    for (const f of results) expect(readFileSync(path.join(a, f), 'utf8'), f).toBe(readFileSync(path.join(b, f), 'utf8'));
    expect(readFileSync(path.join(a, 'timings.json'), 'utf8')).toMatch(/"elapsedMs"/);
    expect(readFileSync(path.join(a, 'compare.json'), 'utf8')).not.toMatch(/elapsedMs|startedAt|solveTime/);
    const html = readFileSync(path.join(a, 'compare.html'), 'utf8');
    for (const id of ['chart-import', 'chart-cost', 'chart-charged', 'chart-net', 'chart-delivered']) expect(html).toContain(`<canvas id="${id}">`);
    // generated-demo's offline is the exact MILP by default (small enough): proven optimal.
    expect(html).toMatch(/Reference: offline optimum \(plan objective [\d.]+ = bound\)/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    const data = JSON.parse(html.match(/<script id="compare-data" type="application\/json">(.*?)<\/script>/s)![1]!);
    expect(data.policies.map((p: { name: string }) => p.name)).toEqual(['offline (reference)', 'mpc', 'edf']);
    const compare = JSON.parse(readFileSync(path.join(a, 'compare.json'), 'utf8'));
    expect(compare.scenario.dataFiles).toEqual([]);
    expect(compare.provenance.commandOptions).toMatchObject({ scenario: 'generated-demo', policies: 'mpc,edf' });
  });
});
