import { describe, expect, it } from 'vitest';
import { GridInputError } from '../../grid/errors.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { fixture } from '../grid/grid-test-data.ts';
import { demoInputs, demoScenario, shipped, shippedJson } from './scenario-test-helpers.ts';

function codeOf(fn: () => unknown): { code: string; paths: (string | undefined)[]; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof GridInputError) return { code: e.code, paths: e.issues.map((i) => i.path), message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('loading a scenario for replay', () => {
  it('sorts sessions, runs until the last one has left, and covers it with prices', () => {
    const inputs = demoInputs();
    const arrivals = inputs.sessions.map((s) => s.arrivalUtcMs);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    const slotMs = 15 * 60_000;
    expect((inputs.simulationEndUtcMs - inputs.periodStartUtcMs) % slotMs).toBe(0);
    expect(inputs.simulationEndUtcMs).toBeGreaterThanOrEqual(Math.max(...inputs.sessions.map((s) => s.departureUtcMs)));
    expect(inputs.simulationEndUtcMs - inputs.periodEndUtcMs).toBeLessThan(24 * 3_600_000);
    expect(inputs.site).toMatchObject({ zone: 'Europe/Brussels', currency: 'EUR', slotMinutes: 15, connectionImportKw: 80, connectionExportKw: 40 });
  });

  it('draws every assumption from the seed', () => {
    const one = demoInputs(undefined, 1);
    const again = demoInputs(undefined, 1);
    expect(again.sessions).toEqual(one.sessions);
    expect(demoInputs(undefined, 5).sessions).not.toEqual(one.sessions);
  });

  it('names the scenario field of a data file that was not provided (V2G_ERR_SCENARIO_DATA_MISSING)', () => {
    const e = codeOf(() => loadReplayInputs(shipped('caltech-week'), new Map()));
    expect(e.code).toBe('V2G_ERR_SCENARIO_DATA_MISSING');
    expect(e.paths).toEqual(['/data/sessions/path']);
  });

  it("keeps a grid parser's code and prefixes the scenario field (bad price CSV)", () => {
    const s = demoScenario({ data: { prices: { kind: 'csv', path: 'prices.csv', startColumn: 'start_utc', valueColumn: 'price_eur_per_mwh', resolution: 'PT60M' } } as never });
    const e = codeOf(() => loadReplayInputs(s, new Map([['prices.csv', 'start_utc,price_eur_per_mwh\n2023-06-05T00:00:00,50\n']])));
    expect(e.code).toBe('V2G_ERR_CSV_FORMAT');
    expect(e.message).toContain('/data/prices');
    expect(e.message).toContain('has no UTC offset');
  });

  it('reads ENTSO-E A44 prices on a 23-hour day, and refuses a replay they do not cover (V2G_ERR_SCENARIO_PERIOD)', () => {
    const json = structuredClone(shippedJson('generated-demo')) as Record<string, any>;
    json.data.prices = { kind: 'entsoe-xml', path: 'a44.xml' };
    json.data.priceVisibility = { kind: 'perfect' };
    json.data.importPriceTerms = [];
    json.period = { start: '2025-03-30T00:00:00+01:00', end: '2025-03-30T05:00:00+02:00' };
    json.horizonHours = 2;
    const texts = new Map([['a44.xml', fixture('entsoe-a44-be-2025-03-30-pt15m.xml')]]);
    const inputs = loadReplayInputs(readScenario(json), texts);
    expect(inputs.sessions).toEqual([]); // generated drivers arrive from 06:00
    const r = runReplay(inputs, 'uncontrolled', { clock: () => 0 });
    // 00:00+01:00 to 05:00+02:00 is 4 hours (the clocks jump at 02:00): 16 slots; hour h costs 80 + 2h (+1.5 in its second half).
    expect(r.slots.startUtcMs).toHaveLength(16);
    expect(r.slots.marketPricePerKwh.slice(0, 4)).toEqual([0.08, 0.08, 0.0815, 0.0815]);
    expect(r.slots.marketPricePerKwh[4]).toBeCloseTo(0.082, 12);

    json.period = { start: '2025-03-30T00:00:00+01:00', end: '2025-03-31T00:00:00+02:00' };
    const e = codeOf(() => loadReplayInputs(readScenario(json), texts));
    expect(e.code).toBe('V2G_ERR_SCENARIO_PERIOD');
    expect(e.paths[0]).toBe('/data/prices');
  });

  it('reports the chargers the auto-create rule made', () => {
    const s = demoScenario({
      site: { chargers: [{ ids: ['dc-01'], maxPowerKw: 11, canDischarge: true }], unknownChargers: 'auto-create', autoCreateCharger: { maxPowerKw: 7.4, canDischarge: false } },
    } as never);
    const inputs = loadReplayInputs(s, new Map());
    expect(inputs.autoCreatedChargers.length).toBeGreaterThan(0);
    expect(inputs.notes.some((n) => n.startsWith('charger(s) created by the auto-create rule'))).toBe(true);
    expect(inputs.sessions.filter((x) => x.charger.autoCreated).every((x) => x.charger.maxPowerKw === 7.4 && !x.v2gAllowed)).toBe(true);
  });
});
