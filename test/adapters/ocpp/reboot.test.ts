/**
 * A charger that reboots (issue 11, item 4): it reconnects and sends BootNotification, refusing every CALL
 * (SecurityError) until that is answered. We ask it nothing before its boot is answered (no
 * GetCompositeSchedule: the boot grace gives way to discovery), and the old transaction's profile, which
 * ended with the reboot, is never re-sent; the next vehicle's transaction gets its own plan. 1.6, 2.0.1 and
 * 2.1 against the simulated charger over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionIdOf } from '../../../adapters/ocpp/charger-record.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { aVehicle, closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

const txOf = (params: any) => String((params.csChargingProfiles ?? params.chargingProfile).transactionId);

describe.each(['1.6', '2.0.1', '2.1'] as OcppVersion[])('OCPP %s: a charger that reboots', (version) => {
  afterEach(closeAll);

  it('is asked nothing before its boot is answered, and its old transaction\'s profile is not re-sent', async () => {
    // a long boot grace: the reboot's BootNotification always comes first, however loaded the machine
    const t = await startTestServer({ chargers: { CP1: {} }, bootGraceMs: 10_000 });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const oldTx = cp.evse(1).transactionId!;
    const plan = (planId: string, txId: string) => ({ planId, evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] }] });
    t.server.applyPlan(plan('p1', oldTx));
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    const before = cp.received.length;

    await cp.reboot();
    await waitFor(() => t.port.eventsOf('chargerBooted').length === 2, 5_000, 'second boot');
    await waitFor(() => t.server.chargerPhase('CP1') === 'ready', 5_000, 'ready after the reboot');
    await t.server.whenIdle();
    // A later plan still naming the old session changes nothing: that transaction is gone.
    t.server.applyPlan(plan('p2', oldTx));
    await t.server.whenIdle();
    const afterReboot = cp.received.slice(before);
    expect(afterReboot.filter((r) => (r.reply as { callError?: string }).callError === 'SecurityError')).toEqual([]);
    expect(afterReboot.filter((r) => r.action === 'SetChargingProfile' && txOf(r.params) === oldTx)).toEqual([]);
    expect(t.port.delivery('CP1', 1)?.status).toBe('waiting-for-transaction');

    const newTx = await cp.plugIn(aVehicle({ id: 'EV-2' }));
    t.server.applyPlan(plan('p3', newTx));
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied' && t.port.delivery('CP1', 1)?.planId === 'p3', 5_000, 'the new transaction\'s plan');
    const sent = cp.received.slice(before).filter((r) => r.action === 'SetChargingProfile');
    expect(sent.map((r) => txOf(r.params))).toEqual([newTx]);
  });
});
