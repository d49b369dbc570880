/**
 * A bench's window of a scenario's period: `days` days from day `fromDay` (0 = the period's first), the rest of
 * the scenario unchanged and validated again; the whole scenario when `days` is undefined.
 */
import { readScenario } from '../scenarios/scenario-parse.ts';
import type { Scenario } from '../scenarios/scenario-schema.ts';

export function scenarioWindow(scenario: Scenario, days: string | undefined, fromDay = '0'): Scenario {
  if (days === undefined) return scenario;
  const startMs = Date.parse(scenario.period.start) + Number(fromDay) * 86_400_000;
  const period = { start: new Date(startMs).toISOString(), end: new Date(startMs + Number(days) * 86_400_000).toISOString() };
  return readScenario({ ...JSON.parse(JSON.stringify(scenario)), period }, `${scenario.name} (${days} days)`);
}
