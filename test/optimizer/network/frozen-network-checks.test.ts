/**
 * What depends on a frozen network alone is worked out once per network object (grid's `problemNetwork` gives
 * every decision of a replay the same one): the problem schema's check of the network (problem-validation.ts)
 * and the plan validator's wiring (plan-validator-network.ts). Their answers must be those of an unfrozen copy,
 * every time, for any plan - including plans that break the network's limits - and any problem around it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemblePlan, emptyStats } from '../../../optimizer/plan-assembly.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import type { Network } from '../../../optimizer/network/network-schema.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { validateProblem } from '../../../optimizer/problem-validation.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbNetworkProblem, caltechNetwork } from './network-builders.ts';

/** A deep-frozen copy of a network (what `problemNetwork` hands out is frozen at its top). */
const frozen = (n: Network): Network => Object.freeze(structuredClone(n));

describe('checks of a frozen network, worked out once', () => {
  it('validatePlan: the same violations with the network frozen, plan after plan (powers up to 3x the limits)', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 6, maxSlots: 3 }), fc.array(fc.double({ min: -1, max: 3, noNaN: true }), { minLength: 18, maxLength: 18 }), (p, scale) => {
        const rp = resolveProblem(p);
        const powerKw = rp.vehicles.map((v, i) => Array.from({ length: p.slotCount }, (_, t) => (t >= v.arrivalSlot && t < v.endSlot ? v.maxChargeKw[t]! * scale[(3 * i + t) % 18]! : 0)));
        const plan = assemblePlan(rp, { status: 'feasible', powerKw, stats: emptyStats('edf') });
        const shared = frozen(p.network!);
        const withFrozen: Problem = { ...p, network: shared };
        const expected = validatePlan(p, plan);
        expect(validatePlan(withFrozen, plan)).toStrictEqual(expected);
        // Again with the same frozen object (now from its cache), and after another problem used it.
        expect(validatePlan({ ...p, vehicles: p.vehicles.slice(0, 1) }, { ...plan, vehicles: plan.vehicles.slice(0, 1) })).toStrictEqual(
          validatePlan({ ...withFrozen, vehicles: p.vehicles.slice(0, 1) }, { ...plan, vehicles: plan.vehicles.slice(0, 1) }),
        );
        expect(validatePlan(withFrozen, plan)).toStrictEqual(expected);
      }),
      fcParams(1621, 150),
    );
  });

  it('validateProblem: the same answer with the network frozen, for valid problems and for problems broken outside and inside the network', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 3 }), fc.constantFrom('none', 'slotCount', 'vehicle', 'network-type', 'network-rule'), (p, fault) => {
        const broken: Problem =
          fault === 'slotCount' ? { ...p, slotCount: 0 }
          : fault === 'vehicle' ? { ...p, vehicles: p.vehicles.length === 0 ? [{ id: 'no-charger' } as never] : p.vehicles.map((v, i) => (i === 0 ? { ...v, capacityKwh: -1 } : v)) }
          : fault === 'network-type' ? { ...p, network: { ...p.network!, groups: p.network!.groups.map((g, i) => (i === 0 ? { ...g, voltageV: 'x' as unknown as number } : g)) } }
          : fault === 'network-rule' ? { ...p, network: { ...p.network!, groups: [...p.network!.groups, p.network!.groups[0]!] } }
          : p;
        const expected = validateProblem(structuredClone(broken));
        const shared = frozen(broken.network!);
        expect(validateProblem({ ...broken, network: shared })).toStrictEqual(expected);
        expect(validateProblem({ ...broken, network: shared })).toStrictEqual(expected);
        if (fault === 'none') expect(expected.ok).toBe(true);
        if (fault !== 'none') expect(expected.ok).toBe(false);
      }),
      fcParams(1622, 150),
    );
  });

  it('validateProblem: an extra property next to a frozen network is still refused', () => {
    const p = { currency: 'USD', slotCount: 1, slotHours: 1, importPricePerKwh: [0.1], network: frozen(caltechNetwork(40)), vehicles: [], extra: 1 };
    const once = validateProblem(p);
    expect(once.ok).toBe(false);
    expect(validateProblem({ ...p, network: structuredClone(caltechNetwork(40)) })).toStrictEqual(once);
  });
});
