/**
 * Every transaction gets exactly its own session's plan (issue 11, items 1, 5): a plan made for another
 * session (an earlier vehicle, an API session, a discharging V2G vehicle) never reaches a new transaction;
 * until its own plan exists it gets its safe first limit (charge only) from the port; a duplicate
 * connection under the same id never gets the first connection's transaction profile. 1.6, 2.0.1 and 2.1
 * against the simulated charger over real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionIdOf } from '../../../adapters/ocpp/charger-record.ts';
import { periodTarget } from '../../../adapters/ocpp/profile-spec.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import type { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { aVehicle, closeAll, readyChargerWithSession, SLOT_MS, startCharger, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

const setProfiles = (cp: SimCharger) => cp.received.filter((r) => r.action === 'SetChargingProfile');
const profileOf = (params: any) => params.csChargingProfiles ?? params.chargingProfile;
const periodsOf = (params: any): any[] => (params.csChargingProfiles ? params.csChargingProfiles.chargingSchedule : params.chargingProfile.chargingSchedule[0]).chargingSchedulePeriod;
const targets = (params: any) => periodsOf(params).map((p) => periodTarget({ startPeriodS: p.startPeriod, limit: p.limit, setpoint: p.setpoint, operationMode: p.operationMode }));

describe.each(['1.6', '2.0.1', '2.1'] as OcppVersion[])('OCPP %s: session-owned schedules', (version) => {
  afterEach(closeAll);
  const discharging = version === '2.1' ? { v2x: true } : { negativeLimitDischarge: true };
  const settings = version === '2.1' ? {} : { negativeLimitDischarge: true };

  it("a new transaction never gets another session's (discharging) plan: it gets its safe first limit, then its own plan", async () => {
    const t = await startTestServer({ chargers: { CP1: { settings } }, portOptions: { firstLimitKw: 3.7 } });
    const cp = startCharger({ id: 'CP1', version, config: discharging }, t.server, t.clock);
    await cp.start();
    await waitFor(() => t.server.chargerPhase('CP1') === 'ready');
    // The plan in force has a V2G vehicle of another session on this EVSE (e.g. an API session).
    t.server.applyPlan({ planId: 'p1', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: 'ev-0003', startUtcMs: T0, slotMs: SLOT_MS, powerKw: [-11, -5.856, 7] }] });
    await t.server.whenIdle();
    expect(t.port.delivery('CP1', 1)?.status).toBe('waiting-for-transaction');
    const txId = await cp.plugIn(aVehicle({ id: 'EV-NEW', maxDischargeKw: 11 }));
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'interim-applied', 5_000, 'first limit applied');
    const sent = setProfiles(cp);
    expect(sent).toHaveLength(1);
    expect(String(profileOf(sent[0]!.params).transactionId)).toBe(txId);
    expect(targets(sent[0]!.params)).toEqual([3700]);
    // A re-plan without this session changes nothing for it.
    t.server.applyPlan({ planId: 'p2', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: 'ev-0003', startUtcMs: T0, slotMs: SLOT_MS, powerKw: [-7, -7, 7] }] });
    await t.server.whenIdle();
    expect(setProfiles(cp)).toHaveLength(1);
    // Its own plan replaces the first limit.
    t.server.applyPlan({ planId: 'p3', evses: [
      { chargerId: 'CP1', evseId: 1, sessionId: 'ev-0003', startUtcMs: T0, slotMs: SLOT_MS, powerKw: [-7, -7, 7] },
      { chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [5, 6, 0] },
    ] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied' && setProfiles(cp).length === 2);
    expect(targets(setProfiles(cp)[1]!.params)).toEqual([5000, 6000, 0]);
    expect(t.port.delivery('CP1', 1)).toMatchObject({ planId: 'p3' });
  });

  it('without a first limit from the port a new transaction gets nothing until its own plan (waiting-for-plan)', async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    t.server.applyPlan({ evses: [{ chargerId: 'CP1', evseId: 1, sessionId: 'someone-else', startUtcMs: T0, slotMs: SLOT_MS, powerKw: [11, 11] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'waiting-for-plan');
    expect(setProfiles(cp)).toHaveLength(0);
  });

  it('a car that stays after the next vehicle was planned on its EVSE keeps only its own plan', async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const own = defaultSessionIdOf('CP1', 1, cp.evse(1).transactionId!);
    t.server.applyPlan({ evses: [
      { chargerId: 'CP1', evseId: 1, sessionId: own, startUtcMs: T0, slotMs: SLOT_MS, powerKw: [4, 0, 0, 0] },
      { chargerId: 'CP1', evseId: 1, sessionId: 'next-vehicle', startUtcMs: T0, slotMs: SLOT_MS, powerKw: [0, 0, 11, 11] },
    ] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    expect(targets(setProfiles(cp)[0]!.params)).toEqual([4000, 0]);
  });

  it("a duplicate connection with the same id replaces the first but never gets the first one's transaction profile", async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const first = await readyChargerWithSession(t, 'CP1', version);
    t.server.applyPlan({ evses: [{ chargerId: 'CP1', evseId: 1, transactionId: first.evse(1).transactionId!, startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    const dup = startCharger({ id: 'CP1', version }, t.server, t.clock);
    await dup.connect();
    await waitFor(() => first.state !== 1, 5_000, 'first connection closed');
    await dup.start();
    await waitFor(() => t.server.chargerPhase('CP1') === 'ready');
    await t.server.whenIdle();
    expect(t.port.delivery('CP1', 1)?.status).toBe('waiting-for-transaction');
    expect(setProfiles(dup)).toHaveLength(0);
  });
});
