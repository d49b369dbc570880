/**
 * Taper-aware baselines on the congested Caltech week (issue 13, session 12; scenarios/MPC.md, "Taper-aware baselines").
 * Friday 13 August 2021 at a 10 kW site limit, seed 2: at 10:30 a car arriving at 09:41 and leaving at 13:34 needs full
 * power to the end of its stay and reaches its taper. The LP repair of the minimum currents planned it 0.77 kWh short;
 * LLF's plan for the same decision, 0.29 kWh short, was refused by the validator (full charger power in its tapered
 * slots), so it was never compared. With the baselines capped at the taper the decision returns LLF's plan and the
 * day delivers what LLF does (main: 0.28 kWh less). Real data (skipped locally when the files are missing, failing under CI).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { eventTriggeredController, mpcEventsOptions, type MadePlan } from '../../scenarios/event-mpc.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import { highsBackend, realInputs, realScenarioMissingLocally } from './scenario-test-helpers.ts';

/** Friday 06:00-18:00 of the Caltech week (seed 2) at a site limit of 10 kW. */
const friday = (): ReplayInputs =>
  realInputs('caltech-week', (s) => ({
    ...s,
    period: { start: '2021-08-13T06:00:00-07:00', end: '2021-08-13T18:00:00-07:00' },
    site: { ...s.site, connectionImportKw: 10, transformerRatingKw: 10 },
    assumptions: { ...s.assumptions, seed: 2 },
  }));

describe.skipIf(realScenarioMissingLocally('caltech-week'))('taper-aware baselines on the congested Friday of the Caltech week', () => {
  let backend: LpBackend;
  let inputs: ReplayInputs;
  beforeAll(async () => {
    backend = await highsBackend();
    inputs = friday();
  }, 120_000);

  it('mpc-events delivers at least LLF and EDF; the 10:30 decision keeps LLF as a valid candidate and delivers as much as it', () => {
    const plans: MadePlan[] = [];
    const events = runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0, controller: eventTriggeredController(inputs, { backend }, mpcEventsOptions, (m) => plans.push(m)) });
    const delivered = computeKpis(events).energyDeliveredKwh;
    expect(delivered).toBeGreaterThanOrEqual(computeKpis(runReplay(inputs, 'llf', { clock: () => 0 })).energyDeliveredKwh - 1e-6);
    expect(delivered).toBeGreaterThanOrEqual(computeKpis(runReplay(inputs, 'edf', { clock: () => 0 })).energyDeliveredKwh - 1e-6);

    const at = plans.find((m) => m.atUtcMs === Date.parse('2021-08-13T17:30:00Z'));
    expect(at).toBeDefined();
    const candidates = at!.plan.origin!.candidates;
    const llf = candidates.find((c) => c.source === 'baseline' && c.baseline === 'llf');
    expect(llf, JSON.stringify(candidates)).toBeDefined();
    // No candidate was refused for the taper.
    expect(at!.plan.message ?? '').not.toMatch(/charge taper/);
    // The plan is planned 0.29 kWh short (LLF's), not the repair's 0.77.
    expect(at!.plan.cost.shortfallKwh).toBeLessThanOrEqual(0.3);
  }, 120_000);
});
