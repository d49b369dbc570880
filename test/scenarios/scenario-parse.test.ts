import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioErrorCode } from '../../scenarios/errors.ts';
import { parseScenario, readScenario, scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import { canonicalJson, scenarioHash } from '../../scenarios/scenario-hash.ts';
import { shipped, shippedJson } from './scenario-test-helpers.ts';

const shippedNames = ['generated-demo', 'caltech-week', 'caltech-month', 'caltech-2019-03-aggregate', 'caltech-2019-03-network', 'belgian-depot-v2g', 'belgian-depot-no-v2g'];

function scenarioError(fn: () => unknown, code: ScenarioErrorCode): ScenarioError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const err = e as ScenarioError;
    expect(err.code, err.message).toBe(code);
    expect(err.retryable).toBe(false);
    expect(err.issues.length).toBeGreaterThan(0);
    return err;
  }
  throw new Error(`expected ScenarioError ${code}`);
}

/** The demo scenario with one change made by `edit` on its JSON. */
function demoWith(edit: (s: Record<string, any>) => void): Record<string, unknown> {
  const s = structuredClone(shippedJson('generated-demo')) as Record<string, any>;
  edit(s);
  return s;
}

describe('scenario files', () => {
  it.each(shippedNames)('the shipped scenario %s is valid', (name) => {
    const s = shipped(name);
    expect(s.name).toBe(name);
  });

  it('names the data files a scenario needs (none for the generated demo)', () => {
    expect(scenarioDataFiles(shipped('generated-demo'))).toEqual([]);
    expect(scenarioDataFiles(shipped('caltech-week'))).toEqual([
      { pointer: '/data/sessions/path', path: 'acn_caltech_sessions_2021-05_2021-09.csv' },
      { pointer: '/data/prices/path', path: 'sce_tou_ev_4_march_2019.json' },
    ]);
    expect(scenarioDataFiles(shipped('belgian-depot-v2g')).map((f) => f.pointer)).toEqual(['/data/sessions/path', '/data/prices/path', '/data/baseLoad/path']);
  });

  it('refuses text that is not JSON (V2G_ERR_SCENARIO_FORMAT)', () => {
    scenarioError(() => parseScenario('{ "name": '), 'V2G_ERR_SCENARIO_FORMAT');
  });

  it('names every schema problem by its JSON Pointer', () => {
    const err = scenarioError(() => readScenario(demoWith((s) => {
      delete s.site.zone;
      s.slotMinutes = 'fifteen';
      s.assumptions.colour = 'red';
    })), 'V2G_ERR_SCENARIO_FORMAT');
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain('/site');
    expect(paths).toContain('/slotMinutes');
    expect(err.issues).toContainEqual({ path: '/assumptions/colour', message: 'unknown field' });
  });

  it.each([
    ['a period ending before it starts', (s: any) => { s.period.end = '2023-06-01T00:00:00+02:00'; }, '/period/end'],
    ['a timestamp without offset', (s: any) => { s.period.start = '2023-06-05T00:00:00'; }, '/period/start'],
    ['a negative departure margin', (s: any) => { s.controller.departureMarginMinutes = -30; }, '/controller/departureMarginMinutes'],
    ['an unknown zone', (s: any) => { s.site.zone = 'Europe/Atlantis'; }, '/site/zone'],
    ['a charger without a limit', (s: any) => { s.site.chargers[0] = { ids: ['x'], canDischarge: false }; }, '/site/chargers/0'],
    ['half an AC limit', (s: any) => { s.site.chargers[1].phases = undefined; }, '/site/chargers/1'],
    ['a charger listed twice', (s: any) => { s.site.chargers[1].ids.push('dc-01'); }, '/site/chargers/1/ids/4'],
    ['auto-create without a charger model', (s: any) => { s.site.unknownChargers = 'auto-create'; }, '/site/autoCreateCharger'],
    ['a substep that does not divide the slot', (s: any) => { s.physics.substepMinutes = 7; }, '/physics/substepMinutes'],
    ['a horizon of part of a slot', (s: any) => { s.horizonHours = 1.1; }, '/horizonHours'],
    ['a uniform distribution with min > max', (s: any) => { s.assumptions.initialSocPct = { kind: 'uniform', min: 60, max: 20 }; }, '/assumptions/initialSocPct'],
    ['an unknown policy', (s: any) => { s.policy.name = 'fastest'; }, '/policy/name'],
    ['a reserve above the highest target', (s: any) => { s.assumptions.reserveSocPct = 95; }, '/assumptions/reserveSocPct'],
  ])('refuses %s, naming the field', (_what, edit, path) => {
    const err = scenarioError(() => readScenario(demoWith(edit)), 'V2G_ERR_SCENARIO_FORMAT');
    expect(err.issues.map((i) => i.path)).toContain(path);
    expect(err.message).toContain(path);
  });
});

describe('scenario hash', () => {
  it('ignores key order and formatting, and changes with any value', () => {
    const a = shippedJson('generated-demo');
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(canonicalJson(reordered)).toBe(canonicalJson(a));
    expect(scenarioHash(reordered)).toBe(scenarioHash(a));
    expect(scenarioHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(scenarioHash(demoWith((s) => { s.assumptions.seed = 2; }))).not.toBe(scenarioHash(a));
  });
});
