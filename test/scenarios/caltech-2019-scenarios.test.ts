/**
 * The two Caltech March 2019 scenarios of the capacity sweep (scenarios/shipped/CALTECH-SWEEP.md): the 954 sessions
 * of ACN-Sim's case study at 5-minute slots with SCE TOU-EV-4, one with an aggregate limit and one on the
 * three-phase network. Needs the shared data directory: skipped locally without it, failing under CI=true.
 * Replays here cover the first two days (the month is the sweep's job, measured in bench/RESULTS.md).
 */
import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../scenarios/kpis.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { Scenario } from '../../scenarios/scenario-schema.ts';
import { realInputs, realScenarioMissingLocally, shipped } from './scenario-test-helpers.ts';

const variants = ['caltech-2019-03-aggregate', 'caltech-2019-03-network'] as const;

/** The first two days of March, at a congested capacity (kW, or kVA on the network). */
function twoDays(capacity: number) {
  return (s: Scenario): Scenario => ({
    ...s,
    period: { start: s.period.start, end: '2019-03-03T00:00:00-08:00' },
    site: s.site.network
      ? { ...s.site, network: { ...s.site.network, transformer: { ...s.site.network.transformer!, ratingKva: capacity } } }
      : { ...s.site, connectionImportKw: capacity, transformerRatingKw: capacity },
  });
}

describe('the shipped Caltech March 2019 scenarios (no data needed)', () => {
  it.each(variants)('%s: 5-minute slots, the SCE TOU-EV-4 tariff with its demand charge, the 2019 ACN-Sim sessions', (name) => {
    const s = shipped(name);
    expect(s.slotMinutes).toBe(5);
    expect(s.data.sessions).toMatchObject({ kind: 'acn-csv', path: 'acn_caltech_sessions_2019-03_acnsim.csv' });
    expect(s.data.prices).toMatchObject({ kind: 'tou-tariff', path: 'sce_tou_ev_4_march_2019.json', useDemandCharge: true });
  });

  it('only the network variant has the three-phase network, that of sites/caltech-acn.json', () => {
    expect(shipped('caltech-2019-03-aggregate').site.network).toBeUndefined();
    const network = shipped('caltech-2019-03-network').site.network!;
    expect(network.groups.map((g) => g.connection)).toEqual(['AB', 'BC', 'CA']);
    expect(network.groups.flatMap((g) => g.chargerIds)).toHaveLength(54);
    expect(network.transformer!.ratingKva).toBe(150);
  });
});

describe.each(variants.filter((n) => !realScenarioMissingLocally(n)))('%s on the real data', (name) => {
  it('loads all 954 sessions of March 2019 and runs until the last one has left', () => {
    const inputs = realInputs(name);
    expect(inputs.sessions).toHaveLength(954);
    expect(inputs.excluded).toHaveLength(0);
    const slots = (inputs.simulationEndUtcMs - inputs.periodStartUtcMs) / 300_000;
    expect(slots).toBe(10_731);
  });

  it('EDF over two days at 30 kW(A) keeps every limit and reports the capacity KPIs', () => {
    const inputs = realInputs(name, twoDays(30));
    const k = computeKpis(runReplay(inputs, 'edf', { clock: () => 0 }));
    expect(k.sessionCount).toBe(39);
    expect(k.energyDeliveredPct).toBeGreaterThan(50);
    expect(k.limitViolationKwh).toBe(0);
    expect(k.maxUtilisationPct).toBeLessThanOrEqual(100 + 1e-6);
    if (name === 'caltech-2019-03-network') {
      expect(k.networkViolationSlots).toBe(0);
      expect(k.currentUnbalancePct).toBeGreaterThan(0);
    } else {
      expect(k.currentUnbalancePct).toBeUndefined();
    }
  });
});
