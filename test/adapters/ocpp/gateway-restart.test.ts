/**
 * A gateway restart (issue 11, item 6): the new process knows nothing of the chargers' running
 * transactions. A charger that reconnects without booting is discovered after the boot grace and asked for
 * its running transactions (TriggerMessage: 2.x TransactionEvent, 1.6 MeterValues); a 2.x TransactionEvent
 * without evse is placed through the port's store (`CsmsPort.transactionEvse`). The next plan for the
 * session then reaches the charger. 1.6, 2.0.1 and 2.1 against the simulated charger over real sockets;
 * the restart keeps the port (the store) and the TCP port, and loses everything else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionIdOf } from '../../../adapters/ocpp/charger-record.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

describe.each(['1.6', '2.0.1', '2.1'] as OcppVersion[])('OCPP %s: a restarted gateway gets the running transactions back', (version) => {
  afterEach(closeAll);

  it('the reconnected charger is asked for its transactions, and the next plan reaches its transaction', async () => {
    const before = await startTestServer({ chargers: { CP1: {} }, bootGraceMs: 50 });
    const cp = await readyChargerWithSession(before, 'CP1', version, { reconnect: true });
    const txId = cp.evse(1).transactionId!;
    const schedule = (planId: string, kw: number) => ({ planId, evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [kw, kw] }] });
    before.server.applyPlan(schedule('p1', 7));
    await waitFor(() => before.port.delivery('CP1', 1)?.status === 'applied');
    await before.server.close();

    const after = await startTestServer({ port: before.port, clock: before.clock, listenPort: before.server.port, bootGraceMs: 50 });
    await waitFor(() => after.server.deliveryStatus('CP1').length > 0 || after.server.chargerPhase('CP1') === 'ready', 10_000, 'CP1 reconnected and discovered');
    const trigger = await waitFor(() => cp.received.find((r) => r.action === 'TriggerMessage'), 10_000, 'TriggerMessage');
    expect(trigger.params).toEqual({ requestedMessage: version === '1.6' ? 'MeterValues' : 'TransactionEvent' });
    expect(trigger.reply).toEqual({ status: 'Accepted' });
    after.server.applyPlan(schedule('p2', 5));
    await waitFor(() => after.server.deliveryStatus('CP1')[0]?.status === 'applied' && after.server.deliveryStatus('CP1')[0]?.planId === 'p2', 10_000, 'p2 applied');
    const last = cp.received.filter((r) => r.action === 'SetChargingProfile').at(-1)!;
    const profile = (last.params as any).csChargingProfiles ?? (last.params as any).chargingProfile;
    expect(String(profile.transactionId)).toBe(txId);
    expect(last.reply['status']).toBe('Accepted');
    // no boot on the reconnect: a reconnect, not a reboot
    expect(before.port.eventsOf('chargerBooted')).toHaveLength(1);
  });
});
