/**
 * The delivery report is true at every moment (issue 11, item 2): each newer plan id is reported even
 * when its schedule is the same (nothing is resent), with the status, since when, and what is in force.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

describe.each(['1.6', '2.0.1'] as OcppVersion[])('OCPP %s: delivery report', (version) => {
  afterEach(closeAll);

  it('reports every newer plan id, applied or not, with since and what is in force', async () => {
    const t = await startTestServer({ chargers: { CP1: {} }, portOptions: { firstLimitKw: 4 } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const tx = cp.evse(1).transactionId!;
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'interim-applied');
    expect(t.port.delivery('CP1', 1)).toMatchObject({ inForce: 'first-limit', firstLimitKw: 4, reason: 'MemoryCsmsPort firstLimitKw', sinceUtcMs: T0 });
    const schedule = { chargerId: 'CP1', evseId: 1, transactionId: tx, startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] };
    await t.clock.advanceBy(60_000);
    t.server.applyPlan({ planId: 'p1', evses: [schedule] });
    await waitFor(() => t.port.delivery('CP1', 1)?.planId === 'p1' && t.port.delivery('CP1', 1)?.status === 'applied');
    expect(t.port.delivery('CP1', 1)).toMatchObject({ inForce: 'plan', sinceUtcMs: T0 + 60_000 });
    const sends = cp.received.filter((r) => r.action === 'SetChargingProfile').length;
    await t.clock.advanceBy(60_000);
    t.server.applyPlan({ planId: 'p2', evses: [schedule] });
    await waitFor(() => t.port.delivery('CP1', 1)?.planId === 'p2', 5_000, 'p2 reported');
    expect(t.port.delivery('CP1', 1)).toMatchObject({ status: 'applied', sinceUtcMs: T0 + 60_000, atUtcMs: T0 + 120_000 });
    expect(t.server.deliveryStatus('CP1').find((d) => d.evseId === 1)).toMatchObject({ planId: 'p2', status: 'applied', sinceUtcMs: T0 + 60_000 });
    expect(cp.received.filter((r) => r.action === 'SetChargingProfile')).toHaveLength(sends);
  });
});
