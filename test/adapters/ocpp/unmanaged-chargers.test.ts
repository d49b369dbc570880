/**
 * Chargers that cannot follow profiles are marked `unmanaged` after a bounded number of tries, across
 * plans (issue 11, item 3): CALLERROR NotImplemented at once, persistent Rejected after `unmanagedAfter`
 * refusals, no smart charging reported at discovery without any try. Nothing more is sent until the
 * charger boots again. 1.6 and 2.0.1 against the simulated charger.
 */
import { createRPCError } from 'ocpp-rpc';
import { afterEach, describe, expect, it } from 'vitest';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import type { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

const planFor = (cp: SimCharger, kw: number, planId: string) => ({ planId, evses: [{ chargerId: 'CP1', evseId: 1, transactionId: cp.evse(1).transactionId!, startUtcMs: T0, slotMs: SLOT_MS, powerKw: [kw, kw] }] });

describe.each(['1.6', '2.0.1'] as OcppVersion[])('OCPP %s: unmanaged chargers', (version) => {
  afterEach(closeAll);
  const backoff = { initialDelayMs: 50, maxDelayMs: 50, jitter: 0 };

  it('CALLERROR NotImplemented: unmanaged after one try; new plans send nothing; a reboot tries again', async () => {
    const t = await startTestServer({ chargers: { CP1: {} }, backoff });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const calls: number[] = [];
    cp.overrideHandler('SetChargingProfile', async () => {
      calls.push(1);
      throw createRPCError('NotImplemented', 'no smart charging here') as Error;
    });
    t.server.applyPlan(planFor(cp, 7, 'p1'));
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'unmanaged');
    expect(t.port.delivery('CP1', 1)).toMatchObject({ code: 'V2G_ERR_OCPP_CALL_ERROR', planId: 'p1' });
    for (let i = 2; i <= 6; i++) t.server.applyPlan(planFor(cp, i, `p${i}`));
    await t.server.whenIdle();
    expect(calls).toHaveLength(1);
    expect(t.port.delivery('CP1', 1)).toMatchObject({ status: 'unmanaged', planId: 'p6' });
    cp.overrideHandler('SetChargingProfile', undefined);
    await cp.start(); // a reboot (BootNotification on the same connection)
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied', 5_000, 'applied after the reboot');
  });

  it('persistent Rejected across plans: unmanaged after 3 refusals, never retried forever', async () => {
    const t = await startTestServer({ chargers: { CP1: {} }, backoff: { ...backoff, maxAttempts: 50 } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    let tx = 0;
    cp.overrideHandler('SetChargingProfile', async (params: any) => {
      const purpose = (params.csChargingProfiles ?? params.chargingProfile).chargingProfilePurpose;
      if (purpose === 'TxProfile') tx++;
      return { status: 'Rejected' };
    });
    for (let i = 1; i <= 5; i++) {
      t.server.applyPlan(planFor(cp, i, `p${i}`));
      await t.server.whenIdle();
    }
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'unmanaged');
    await t.server.whenIdle();
    // No retry is armed and no run is under way: nothing more can be sent (no sleep needed to see it).
    expect(t.server.pendingRetries('CP1')).toEqual([]);
    expect(t.port.delivery('CP1', 1)?.nextRetryUtcMs).toBeUndefined();
    expect(tx).toBe(3);
    expect(t.port.delivery('CP1', 1)).toMatchObject({ status: 'unmanaged', code: 'V2G_ERR_OCPP_PROFILE_REJECTED' });
  });

  it('no smart charging reported at discovery: unmanaged without a single try', async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', version, { reportedConfig: { smartCharging: false } });
    t.server.applyPlan(planFor(cp, 7, 'p1'));
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'unmanaged');
    expect(t.port.delivery('CP1', 1)).toMatchObject({ code: 'V2G_ERR_OCPP_SMART_CHARGING_UNSUPPORTED' });
    expect(cp.received.filter((r) => r.action === 'SetChargingProfile')).toHaveLength(0);
  });
});
