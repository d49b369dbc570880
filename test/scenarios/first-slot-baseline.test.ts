/**
 * The forward baselines deciding one slot at a time (first-slot-baseline.ts) make the same decisions as the
 * first slot of their whole-horizon plans (`baselineController`), replay for replay: on the demo with its
 * building load and PV, with a binding site limit, with a short look-ahead (vehicles leaving after the horizon:
 * their required energy is reduced), and on a three-phase network.
 */
import { describe, expect, it } from 'vitest';
import { firstSlotBaselineController, forwardBaselines } from '../../scenarios/first-slot-baseline.ts';
import { baselineController } from '../../scenarios/policies.ts';
import type { PolicyName } from '../../scenarios/policy-names.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { demoInputs, demoNetwork } from './scenario-test-helpers.ts';

const network = demoNetwork(25);

const cases: [string, () => ReplayInputs][] = [
  ['the demo', () => demoInputs()],
  ['a 30 kW site limit', () => demoInputs({ site: { connectionImportKw: 30 } })],
  ['a 2-hour look-ahead at 30 kW', () => demoInputs({ site: { connectionImportKw: 30 }, horizonHours: 2 })],
  ['a 25 kVA three-phase network', () => demoInputs({ site: { network, unknownChargers: 'skip' } })],
];

const policyOf = { uncontrolled: 'fcfs', edf: 'edf', llf: 'llf', 'round-robin': 'round-robin' } as const;

/** The largest difference between two runs' per-charger powers (kW) and the decisions' statuses. */
function compare(a: ReplayResult, b: ReplayResult): { maxDiffKw: number; sameStatuses: boolean } {
  let maxDiffKw = 0;
  const byId = new Map(b.chargerPowerKw.map((c) => [c.chargerId, c.powerKw]));
  const ids = new Set([...a.chargerPowerKw.map((c) => c.chargerId), ...byId.keys()]);
  for (const id of ids) {
    const x = a.chargerPowerKw.find((c) => c.chargerId === id)?.powerKw;
    const y = byId.get(id);
    for (let k = 0; k < a.slots.startUtcMs.length; k++) maxDiffKw = Math.max(maxDiffKw, Math.abs((x?.[k] ?? 0) - (y?.[k] ?? 0)));
  }
  return { maxDiffKw, sameStatuses: JSON.stringify(a.slots.planStatus) === JSON.stringify(b.slots.planStatus) };
}

describe('forward baselines decide slot 0 only', () => {
  it('are the four baselines that fill slots forwards', () => {
    expect([...forwardBaselines].sort()).toEqual(['edf', 'llf', 'round-robin', 'uncontrolled']);
  });

  for (const [name, inputsOf] of cases) {
    for (const baseline of forwardBaselines) {
      it(`${policyOf[baseline as keyof typeof policyOf]} on ${name}: the same decisions as the whole-horizon plan's first slot`, () => {
        const inputs = inputsOf();
        const policy = policyOf[baseline as keyof typeof policyOf] as PolicyName;
        const whole = runReplay(inputs, policy, { clock: () => 0, controller: baselineController(inputs, baseline, policy) });
        const fast = runReplay(inputs, policy, { clock: () => 0, controller: firstSlotBaselineController(inputs, baseline, policy) });
        const { maxDiffKw, sameStatuses } = compare(whole, fast);
        expect(maxDiffKw).toBeLessThanOrEqual(1e-9);
        expect(sameStatuses).toBe(true);
        expect(fast.decisions.statusCounts.error ?? 0).toBe(0);
        // Something was decided and the site limit bound somewhere in the congested cases.
        expect(fast.slots.fleetChargeKw.some((p) => p > 0)).toBe(true);
      }, 120_000);
    }
  }
});
