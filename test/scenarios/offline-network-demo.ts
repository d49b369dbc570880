/**
 * The scenario of the offline tests of a capacity sweep (offline-canonical, offline-chained): two days of the demo
 * on a three-phase network of 40 kVA (its own capacity: the reference), where the LP is exact (no minimum current,
 * no V2G, no taper).
 */
import { demoNetwork, demoScenario } from './scenario-test-helpers.ts';

export const offlineNetworkDemo = demoScenario({
  period: { start: '2023-06-30T00:00:00+02:00', end: '2023-07-02T00:00:00+02:00' },
  site: {
    chargers: [
      { ids: ['dc-01', 'dc-02', 'dc-03', 'dc-04'], maxPowerKw: 11, canDischarge: false },
      { ids: ['ac-01', 'ac-02', 'ac-03', 'ac-04'], maxCurrentA: 16, minCurrentA: 0, phases: 3 as const, voltageV: 230, canDischarge: false },
    ],
    network: demoNetwork(40),
  },
  data: { sessions: { kind: 'generated' as const, sessionsPerDay: 12, chargerIds: ['dc-01', 'dc-02', 'dc-03', 'dc-04', 'ac-01', 'ac-02', 'ac-03', 'ac-04'] } },
  assumptions: { v2gOptInShare: 0 },
  physics: { taperStartSocPct: 100 },
  controller: { departure: 'actual' as const },
} as never);
