/**
 * A scenario's assumptions may only draw physical batteries: a capacity above 0 kWh and an initial state of
 * charge within 0-100 %. Anything else is refused by field (V2G_ERR_SCENARIO_FORMAT) instead of being
 * silently clamped by the fleet rules.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/errors.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { shippedJson } from './scenario-test-helpers.ts';

function demoWithAssumptions(patch: Record<string, unknown>): Record<string, unknown> {
  const s = structuredClone(shippedJson('generated-demo')) as Record<string, any>;
  Object.assign(s.assumptions, patch);
  return s;
}

function issuePaths(value: unknown): string[] {
  try {
    readScenario(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as ScenarioError).code).toBe('V2G_ERR_SCENARIO_FORMAT');
    return (e as ScenarioError).issues.map((i) => i.path ?? '');
  }
  return [];
}

describe('battery capacity draws (kWh)', () => {
  it.each([
    ['a fixed negative capacity', { kind: 'fixed', value: -5 }, '/assumptions/batteryCapacityKwh/value'],
    ['a choice that includes 0 kWh', { kind: 'choice', values: [60, 0, 75] }, '/assumptions/batteryCapacityKwh/values/1'],
    ['a uniform range reaching below 0 kWh', { kind: 'uniform', min: -10, max: 60 }, '/assumptions/batteryCapacityKwh/min'],
    ['a clipped normal that can reach 0 kWh', { kind: 'normal', mean: 60, sd: 10, min: 0, max: 90 }, '/assumptions/batteryCapacityKwh/min'],
  ])('refuses %s, naming the field', (_what, batteryCapacityKwh, path) => {
    expect(issuePaths(demoWithAssumptions({ batteryCapacityKwh }))).toEqual([path]);
  });
});

describe('initial state-of-charge draws (%)', () => {
  it.each([
    ['a uniform range above 100 %', { kind: 'uniform', min: 50, max: 150 }, ['/assumptions/initialSocPct/max']],
    ['a clipped normal below 0 %', { kind: 'normal', mean: -20, sd: 5, min: -50, max: -10 }, ['/assumptions/initialSocPct/min']],
    ['a fixed 120 %', { kind: 'fixed', value: 120 }, ['/assumptions/initialSocPct/value']],
    ['a choice with both ends out of range', { kind: 'choice', values: [-1, 50, 101] }, ['/assumptions/initialSocPct/values/0', '/assumptions/initialSocPct/values/2']],
  ])('refuses %s, naming the field', (_what, initialSocPct, paths) => {
    expect(issuePaths(demoWithAssumptions({ initialSocPct }))).toEqual(paths);
  });

  it('accepts the whole 0-100 % range and any capacity above 0 kWh', () => {
    expect(issuePaths(demoWithAssumptions({ initialSocPct: { kind: 'uniform', min: 0, max: 100 }, batteryCapacityKwh: { kind: 'choice', values: [0.5, 120] } }))).toEqual([]);
  });
});
