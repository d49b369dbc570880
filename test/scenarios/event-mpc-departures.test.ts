/**
 * `mpc-events` on a site without base load or PV, with actual departures: a vehicle leaving as its plan foresaw
 * (nothing more planned for it, the plan's horizon reaching every stay) makes no new plan; arrivals always do.
 * The decisions stay those of the same planner: it delivers about what `mpc` (a solve at every slot) delivers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeKpis, type Kpis } from '../../scenarios/kpis.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { highsBackend, shippedJson } from './scenario-test-helpers.ts';

let events: ReplayResult;
let eventKpis: Kpis;
let mpc: Kpis;

beforeAll(async () => {
  const json = shippedJson('generated-demo') as Record<string, Record<string, unknown>>;
  const { baseLoad: _baseLoad, ...data } = json.data!;
  const scenario = readScenario({ ...json, data, site: { ...json.site, connectionImportKw: 40 }, horizonHours: 24, controller: { ...json.controller, departure: 'actual' } }, 'demo without base load');
  const inputs = loadReplayInputs(scenario, new Map());
  const backend = await highsBackend();
  events = runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0 });
  eventKpis = computeKpis(events);
  mpc = computeKpis(runReplay(inputs, 'mpc', { solver: { backend }, clock: () => 0 }));
}, 900_000);

describe('mpc-events with departures the plan foresaw', () => {
  it('solves at every arrival but not at every departure', () => {
    const s = events.slots;
    const solved: boolean[] = [];
    let d = 0;
    for (let k = 0; k < s.planStatus.length; k++) solved.push(s.planStatus[k] !== 'idle' && events.decisions.solverMs[d++]! > 0);
    const decided = (k: number) => s.planStatus[k] !== 'idle';
    const arrivals = s.triggers.map((t, k) => k).filter((k) => s.triggers[k]!.includes('arrival') && decided(k));
    const departuresOnly = s.triggers.map((t, k) => k).filter((k) => !s.triggers[k]!.includes('arrival') && s.triggers[k]!.includes('departure') && decided(k));
    expect(arrivals.length).toBeGreaterThan(0);
    expect(departuresOnly.length).toBeGreaterThan(0);
    expect(arrivals.every((k) => solved[k])).toBe(true);
    expect(departuresOnly.filter((k) => !solved[k]).length).toBeGreaterThan(departuresOnly.length / 2);
  });

  it('keeps the site limit and delivers within 0.5 points of mpc', () => {
    expect(eventKpis.limitViolationKwh).toBe(0);
    expect(eventKpis.energyDeliveredPct).toBeGreaterThan(mpc.energyDeliveredPct - 0.5);
  });
});
