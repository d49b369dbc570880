/**
 * The delivery view says, per charger, the plan in force, whether it is the site's current one, applied or
 * not, since when and why (issue 11, item 2): an older plan applied counts as pending, not applied.
 */
import { describe, expect, it } from 'vitest';
import { siteDeliveryView } from '../../../adapters/http/views/delivery-view.ts';
import { aSiteRecord, T0 } from '../service/builders.ts';

describe('siteDeliveryView', () => {
  const site = aSiteRecord({ chargers: [{ id: 'A', maxPowerKw: 11, canDischarge: false }, { id: 'B', maxPowerKw: 11, canDischarge: false }, { id: 'C', maxPowerKw: 11, canDischarge: false }] });
  const statuses = [
    { chargePointId: 'A', evses: [{ evseId: 1, status: 'applied' as const, planId: 'p2', inForce: 'plan' as const, attempts: 0, sinceUtcMs: T0, atUtcMs: T0 + 5000 }] },
    { chargePointId: 'B', evses: [{ evseId: 1, status: 'applied' as const, planId: 'p1', inForce: 'plan' as const, attempts: 0, sinceUtcMs: T0, atUtcMs: T0 }] },
    { chargePointId: 'C', evses: [{ evseId: 1, status: 'interim-applied' as const, planId: 'p2', inForce: 'first-limit' as const, firstLimitKw: 3.5, reason: 'safe first limit: ...', attempts: 0, sinceUtcMs: T0, atUtcMs: T0 }] },
  ];

  it('marks the current plan, counts an older applied plan as pending and a first limit as interim', () => {
    const view = siteDeliveryView(site, statuses, 'p2');
    expect(view.summary).toMatchObject({ applied: 1, pending: 1, interim: 1, notApplied: 0 });
    expect(view.chargers[0]!.delivery).toMatchObject({ planId: 'p2', current: true, inForce: 'plan', since: '2025-06-02T10:00:00+02:00', at: '2025-06-02T10:00:05+02:00' });
    expect(view.chargers[1]!.delivery).toMatchObject({ planId: 'p1', current: false });
    expect(view.chargers[2]!.delivery).toMatchObject({ status: 'interim-applied', inForce: 'first-limit', firstLimitKw: 3.5, reason: 'safe first limit: ...' });
  });
});
