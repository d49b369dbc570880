/**
 * The portfolio replay (scenarios/portfolio-replay.ts, `v2g portfolio-replay`): the shipped generated feeder
 * end to end in process (main() with captured output; no data directory needed): alone, the sites break the
 * feeder limit; coordinated, the sum keeps it in every slot, the bound is below the cost, and the files say so.
 * Bad portfolio files are answered V2G_ERR_SCENARIO_FORMAT naming the field.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { coordinations } from '../../adapters/cli/portfolio-replay-command.ts';
import { parsePortfolioScenario, replayCoordinations } from '../../scenarios/portfolio-replay.ts';

describe('portfolio replay', () => {
  it('v2g portfolio-replay (generated-feeder): alone over the limit, coordinated within it, with its bound', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-portfolio-replay-'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['node', 'v2g', 'portfolio-replay', '--out', dir], (l) => out.push(l), (l) => err.push(l));
    expect(code, err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/generated-feeder: 3 sites/);
    const result = JSON.parse(readFileSync(path.join(dir, 'portfolio.json'), 'utf8'));
    // The default coordinator, said in every output.
    expect(result.coordination).toBe('aggregate-first');
    expect(result.coordinated.boundKind).toMatch(/^(relaxation|lagrangian)$/);
    expect(out.join('\n')).toContain('coordination aggregate-first, method ');
    expect(result.uncoordinated.slotsOverLimit).toBeGreaterThan(0);
    expect(result.coordinated.status).not.toBe('limit-breached');
    expect(result.coordinated.slotsOverLimit).toBe(0);
    expect(result.coordinated.bound).toBeLessThanOrEqual(result.coordinated.objective + 1e-6 * Math.abs(result.coordinated.objective));
    expect(result.sites.map((s: { siteId: string }) => s.siteId)).toEqual(['depot-1', 'depot-2', 'depot-3']);
    const rows = parse(readFileSync(path.join(dir, 'feeder.csv'), 'utf8'), { columns: true, cast: true }) as { feeder_import_limit_kw: number; uncoordinated_kw: number; coordinated_kw: number }[];
    expect(rows).toHaveLength(result.slotCount);
    for (const row of rows) expect(row.coordinated_kw).toBeLessThanOrEqual(row.feeder_import_limit_kw + 1e-3);
    expect(rows.some((row) => row.uncoordinated_kw > row.feeder_import_limit_kw)).toBe(true);
  }, 600_000);

  it('--coordination: each coordinator keeps the limit, certifies its bound, and every output names it; the CLI lists exactly the replay\'s coordinators', async () => {
    expect([...coordinations]).toEqual([...replayCoordinations]);
    for (const c of ['price-loop', 'site-columns'] as const) {
      const dir = mkdtempSync(path.join(tmpdir(), `v2g-portfolio-replay-${c}-`));
      const out: string[] = [];
      const err: string[] = [];
      expect(await main(['node', 'v2g', 'portfolio-replay', '--coordination', c, '--out', dir], (l) => out.push(l), (l) => err.push(l)), err.join('\n')).toBe(0);
      expect(out.join('\n')).toContain(`coordination ${c}, method `);
      const result = JSON.parse(readFileSync(path.join(dir, 'portfolio.json'), 'utf8'));
      expect(result.coordination).toBe(c);
      expect(result.method).toContain(`by ${c}`);
      expect(result.coordinated.slotsOverLimit).toBe(0);
      expect(result.coordinated.bound).toBeLessThanOrEqual(result.coordinated.objective + 1e-6 * Math.abs(result.coordinated.objective));
      const rows = parse(readFileSync(path.join(dir, 'feeder.csv'), 'utf8'), { columns: true, cast: true }) as { coordinated_by: string }[];
      expect(new Set(rows.map((r) => r.coordinated_by))).toEqual(new Set([c]));
    }
    const err: string[] = [];
    expect(await main(['node', 'v2g', 'portfolio-replay', '--coordination', 'magic'], () => undefined, (l) => err.push(l))).not.toBe(0);
    expect(err.join('\n')).toMatch(/--coordination.*magic|magic.*--coordination|Allowed choices are price-loop, site-columns, aggregate-first/);
  }, 600_000);

  it('bad portfolio files name the field', () => {
    const good = { name: 'p', description: '', feederImportLimitKw: 100, members: [{ siteId: 'a', scenario: 'generated-demo' }, { siteId: 'b', scenario: 'generated-demo', seed: 2 }] };
    expect(parsePortfolioScenario(JSON.stringify(good)).members).toHaveLength(2);
    const issue = (o: unknown) => {
      try {
        parsePortfolioScenario(typeof o === 'string' ? o : JSON.stringify(o));
      } catch (e) {
        return { code: (e as { code: string }).code, path: (e as { issues: { path: string }[] }).issues[0]!.path };
      }
      return undefined;
    };
    expect(issue('{')).toEqual({ code: 'V2G_ERR_SCENARIO_FORMAT', path: '/' });
    expect(issue({ ...good, feederImportLimitKw: 0 })?.path).toBe('/feederImportLimitKw');
    expect(issue({ ...good, members: [good.members[0]] })?.path).toBe('/members');
    expect(issue({ ...good, members: [good.members[0], good.members[0]] })?.path).toBe('/members/1/siteId');
    expect(issue({ ...good, members: [good.members[0], { siteId: 'c', scenario: 'x', seed: 1.5 }] })?.path).toBe('/members/1/seed');
    expect(issue({ ...good, extra: 1 })?.path).toBe('/extra');
  });
});
