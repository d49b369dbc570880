/**
 * The forward baselines deciding one slot at a time (first-slot-baseline.ts) make the same decisions as the
 * first slot of their whole-horizon plans (`baselineController`), replay for replay: on the demo with its
 * building load and PV, with a binding site limit, with a short look-ahead (vehicles leaving after the horizon:
 * their required energy is reduced), and on a three-phase network.
 */
import { describe, expect, it } from 'vitest';
import { assembleProblem } from '../../grid/problem-assembly.ts';
import type { BaselineName } from '../../optimizer/baselines/index.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem, type ResolvedProblem } from '../../optimizer/resolved-problem.ts';
import { decisionAssemblyInput } from '../../scenarios/decision-problem.ts';
import { firstSlotBaselineController, forwardBaselines, oneSlotDecision } from '../../scenarios/first-slot-baseline.ts';
import type { Controller, Decision } from '../../scenarios/policies.ts';
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

/**
 * The first-slot decision as it was made before session 9 (kept here as the reference): the assembly input of the
 * whole horizon cut to slot 0, and the long problem resolved again in full for vehicles leaving after the horizon;
 * the baseline and the validator on them are the controller's own (`oneSlotDecision`).
 */
function referenceFirstSlot(inputs: ReplayInputs, baseline: BaselineName): (atUtcMs: number, plugged: Parameters<Controller['decide']>[2], previousPeakKw: number) => Decision {
  const slotMs = inputs.slotMinutes * 60_000;
  const withHorizon = (one: Problem, rp: ResolvedProblem, horizonSlots: number): ResolvedProblem => {
    if (horizonSlots <= 1) return rp;
    if (rp.vehicles.every((v) => v.departureSlot <= horizonSlots)) {
      return { ...rp, vehicles: rp.vehicles.map((v) => ({ ...v, endSlot: v.departureSlot, requiredEnergyKwh: v.targetEnergyKwh })) };
    }
    const { network: _network, ...rest } = one;
    const long = resolveProblem({ ...rest, slotCount: horizonSlots });
    return { ...rp, vehicles: rp.vehicles.map((v, i) => ({ ...v, endSlot: long.vehicles[i]!.endSlot, requiredEnergyKwh: long.vehicles[i]!.requiredEnergyKwh })) };
  };
  return (atUtcMs, plugged, previousPeakKw) => {
    const full = decisionAssemblyInput(inputs, atUtcMs, plugged, previousPeakKw);
    const horizonSlots = Math.ceil((Number(full.horizonEnd) - atUtcMs) / slotMs);
    const one = assembleProblem({ ...full, horizonEnd: atUtcMs + slotMs }).problem;
    const rp = resolveProblem(one);
    return oneSlotDecision(baseline, one, rp, withHorizon(one, rp, horizonSlots));
  };
}

describe('forward baselines: the one-slot assembly (prices over slot 0, the horizon end per vehicle) is the reference, bit for bit', () => {
  const longStays: [string, () => ReplayInputs][] = [...cases, ['a 1-hour look-ahead on the 25 kVA network', () => demoInputs({ site: { network, unknownChargers: 'skip' }, horizonHours: 1 })]];
  for (const [name, inputsOf] of longStays) {
    for (const baseline of forwardBaselines) {
      it(`${policyOf[baseline as keyof typeof policyOf]} on ${name}: every decision equal to the reference's`, () => {
        const inputs = inputsOf();
        const policy = policyOf[baseline as keyof typeof policyOf] as PolicyName;
        const fast = firstSlotBaselineController(inputs, baseline, policy);
        const reference = referenceFirstSlot(inputs, baseline);
        let decisions = 0;
        let afterHorizon = 0;
        const checking: Controller = {
          policy,
          decide(atUtcMs, slotIndex, plugged, previousPeakKw) {
            const d = fast.decide(atUtcMs, slotIndex, plugged, previousPeakKw);
            expect(d).toStrictEqual(reference(atUtcMs, plugged, previousPeakKw));
            decisions++;
            if (plugged.some((p) => p.session.departureUtcMs > atUtcMs + inputs.horizonHours * 3_600_000)) afterHorizon++;
            return d;
          },
        };
        runReplay(inputs, policy, { clock: () => 0, controller: checking });
        expect(decisions).toBeGreaterThan(0);
        // The short look-ahead cases hold vehicles leaving after the horizon (their required energy is reduced).
        if (inputs.horizonHours <= 2) expect(afterHorizon).toBeGreaterThan(0);
      }, 120_000);
    }
  }
});
