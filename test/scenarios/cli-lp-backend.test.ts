/**
 * `--lp-backend clp` (and `V2G_LP_BACKEND`) end to end: `v2g replay` and `v2g sweep` solve their LPs with COIN-OR
 * CLP, and run.json, its provenance and every sweep row name it with its version (and HiGHS for the MILPs); the
 * proven offline optima are HiGHS's (1e-6); an unknown backend is exit 2 and CLP asked for but missing is exit 69, both
 * coded, never a fallback to HiGHS. Needs `coinor-libclp1`: skips without it outside CI, fails in CI.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { lpBackendChoice } from '../../adapters/cli/lp-backend-choice.ts';
import { main } from '../../adapters/cli/main.ts';
import { clpMissing } from '../adapters/solvers/clp-missing.ts';
import { describeNeeding } from '../ci-env.ts';
import { networkScenarioFile } from './network-scenario-file.ts';

async function v2g(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'v2g', ...args], (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'v2g-lp-backend-'));

const missing = clpMissing;

describe('the LP backend choice', () => {
  it('is HiGHS unless --lp-backend or V2G_LP_BACKEND says otherwise; the flag wins', () => {
    expect(lpBackendChoice(undefined, {})).toBe('highs');
    expect(lpBackendChoice(undefined, { V2G_LP_BACKEND: '' })).toBe('highs');
    expect(lpBackendChoice(undefined, { V2G_LP_BACKEND: 'clp' })).toBe('clp');
    expect(lpBackendChoice('highs', { V2G_LP_BACKEND: 'clp' })).toBe('highs');
    expect(lpBackendChoice('clp', {})).toBe('clp');
  });

  it('refuses an unknown backend with exit code 2 and a coded message naming where it came from', async () => {
    const r = await v2g('replay', 'generated-demo', '--policy', 'mpc', '--lp-backend', 'glpk', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/V2G_ERR_LP_BACKEND_UNKNOWN[\s\S]*--lp-backend is "glpk"/);
    expect(() => lpBackendChoice(undefined, { V2G_LP_BACKEND: 'gurobi' })).toThrow(/V2G_ERR_LP_BACKEND_UNKNOWN: V2G_LP_BACKEND is "gurobi"/);
  });

  describe('CLP asked for but its library missing', () => {
    const saved = process.env.V2G_CLP_LIBRARY;
    afterEach(() => {
      if (saved === undefined) delete process.env.V2G_CLP_LIBRARY;
      else process.env.V2G_CLP_LIBRARY = saved;
    });
    it('is exit code 69 with V2G_ERR_CLP_MISSING naming the package, not a HiGHS run', async () => {
      process.env.V2G_CLP_LIBRARY = '/nonexistent/libClp.so.1';
      const dir = tmp();
      const r = await v2g('replay', 'generated-demo', '--policy', 'mpc', '--lp-backend', 'clp', '--out', dir);
      expect(r.code).toBe(69);
      expect(r.err).toMatch(/V2G_ERR_CLP_MISSING[\s\S]*coinor-libclp1/);
    });
  });
});

describeNeeding('v2g with --lp-backend clp', missing, () => {
  it('replay: run.json names CLP and its version, HiGHS for the MILPs, and the plan keeps the site limit', async () => {
    const dir = tmp();
    const r = await v2g('replay', 'generated-demo', '--policy', 'mpc', '--seed', '3', '--lp-backend', 'clp', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run.solver.name).toBe('clp');
    expect(run.solver.version).toMatch(/^\d+\.\d+\.\d+ \(MILPs: highs \d+\.\d+\.\d+\)$/);
    expect(run.provenance.clp).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run.provenance.highs).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.provenance.commandOptions).toMatchObject({ lpBackend: 'clp' });
    expect(run.kpis.limitViolationCount).toBe(0);
    expect(typeof run.kpis.gapToOfflinePct).toBe('number');
  });

  it('sweep on a three-phase network: every solver row names CLP, limits kept, proven offline optima equal to HiGHS\'s', async () => {
    const dirs = { clp: tmp(), highs: tmp() };
    const summaries: Record<string, { runs: { value: number; policy: string; provenance: { offlinePlan?: { status: string; objective: number } } }[] }> = {};
    for (const backend of ['clp', 'highs'] as const) {
      const file = networkScenarioFile(dirs[backend]);
      const r = await v2g('sweep', file, '--param', 'capacity', '--values', '8,40', '--policies', 'llf,mpc-events,offline', '--seeds', '1', '--workers', '2', '--lp-backend', backend, '--out', dirs[backend]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const rows = parse(readFileSync(path.join(dirs[backend], 'sweep.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      for (const row of rows) {
        expect(row.failed_runs).toBe('0');
        expect(Number(row.networkViolationSlots_mean)).toBe(0);
        if (row.policy === 'llf') expect(row.solver).toMatch(/^none \(baseline llf\)/);
        else if (backend === 'clp') expect(row.solver).toMatch(/^clp \d+\.\d+\.\d+ \(MILPs: highs \d+\.\d+\.\d+\)/);
        else expect(row.solver).toMatch(/^highs \d+\.\d+\.\d+/);
      }
      summaries[backend] = JSON.parse(readFileSync(path.join(dirs[backend], 'sweep.json'), 'utf8'));
    }
    // Where both prove their offline plan optimal, the optima agree (1e-6 relative); at 40 kVA both do.
    let proven = 0;
    for (const value of [8, 40]) {
      const plan = (b: string) => summaries[b]!.runs.find((x) => x.policy === 'offline' && x.value === value)!.provenance.offlinePlan!;
      if (plan('clp').status !== 'optimal' || plan('highs').status !== 'optimal') continue;
      proven++;
      expect(Math.abs(plan('clp').objective - plan('highs').objective)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(plan('highs').objective)));
    }
    expect(proven).toBeGreaterThan(0);
  });
});
