/**
 * A CityLearn building load or PV names homes of the 17-home file (b01 to b17), each once: a wrong or
 * repeated home is refused by its field (V2G_ERR_SCENARIO_FORMAT) when the scenario is read, not reported
 * later as a data file that "is not the CityLearn file".
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/errors.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { shippedJson } from './scenario-test-helpers.ts';

function belgianWith(edit: (s: Record<string, any>) => void): Record<string, unknown> {
  const s = structuredClone(shippedJson('belgian-depot-v2g')) as Record<string, any>;
  edit(s);
  return s;
}

function issues(value: unknown): { path?: string; message: string }[] {
  try {
    readScenario(value);
    return [];
  } catch (e) {
    expect((e as ScenarioError).code).toBe('V2G_ERR_SCENARIO_FORMAT');
    return [...(e as ScenarioError).issues];
  }
}

describe('CityLearn homes of a scenario', () => {
  it('refuses a home the file does not have, naming the field', () => {
    const found = issues(belgianWith((s) => { s.data.baseLoad.homes = ['b01', 'b18']; }));
    expect(found.map((i) => i.path)).toEqual(['/data/baseLoad/homes/1']);
    expect(found[0]!.message).toContain('b01 to b17');
  });

  it('refuses a home listed twice (its load would count twice)', () => {
    const found = issues(belgianWith((s) => { s.data.pv = { ...s.data.baseLoad, homes: ['b03', 'b04', 'b03'], scaleFactor: 1 }; }));
    expect(found.map((i) => i.path)).toEqual(['/data/pv/homes/2']);
  });

  it('accepts all homes, or a list of distinct ones', () => {
    expect(issues(belgianWith((s) => { s.data.baseLoad.homes = 'all'; }))).toEqual([]);
    expect(issues(belgianWith((s) => { s.data.baseLoad.homes = ['b01', 'b09', 'b17']; }))).toEqual([]);
  });
});
