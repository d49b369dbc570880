/**
 * The end-to-end suite every OCPP version must pass, run against real sockets (127.0.0.1, ephemeral
 * ports) with the simulated charger (strict schemas on both ends). ocpp-1.6.test.ts, ocpp-2.0.1.test.ts and
 * ocpp-2.1.test.ts call it, so the three versions run as separate files (in parallel).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { periodTarget } from '../../../adapters/ocpp/profile-spec.ts';
import { subprotocolOf, type OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { rateToKw } from '../../../adapters/ocpp/rate-units.ts';
import { schemaProblem } from '../../../adapters/ocpp/schema-validators.ts';
import type { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import type { ReportedComposite } from '../../../adapters/ocpp/version-mapping.ts';
import { aVehicle, closeAll, readyChargerWithSession, SLOT_MS, startCharger, startTestServer, T0, waitFor, type TestServer } from './ocpp-test-kit.ts';

/** kW asked in each slot of the plan grid, from a reported composite. */
export function compositeKwPerSlot(c: ReportedComposite, slots: number, voltageV = 230, phases = 3): number[] {
  return Array.from({ length: slots }, (_, i) => {
    const t = T0 + i * SLOT_MS + SLOT_MS / 2;
    const offsetS = (t - c.startUtcMs) / 1000;
    let value: number | undefined;
    for (const p of c.periods) if (p.startPeriodS <= offsetS) value = periodTarget(p);
    return value === undefined ? NaN : Math.round(rateToKw(value, c.rateUnit, voltageV, phases) * 100) / 100;
  });
}

const setProfiles = (cp: SimCharger) => cp.received.filter((r) => r.action === 'SetChargingProfile');
const profileOf = (params: any) => (params.csChargingProfiles ?? params.chargingProfile);
const scheduleOf = (params: any) => (params.csChargingProfiles ? params.csChargingProfiles.chargingSchedule : params.chargingProfile.chargingSchedule[0]);

export function protocolSuite(version: OcppVersion): void {
  const twoX = version !== '1.6';
  const plan = (powerKw: number[], chargerId = 'CP1') => ({ evses: [{ chargerId, evseId: 1, startUtcMs: T0, slotMs: SLOT_MS, powerKw }] });

  describe(`OCPP ${version} end to end`, () => {
    afterEach(closeAll);

    async function setup(options: Parameters<typeof readyChargerWithSession>[3] = {}, serverOptions: Parameters<typeof startTestServer>[0] = {}, vehicle = aVehicle()): Promise<{ t: TestServer; cp: SimCharger }> {
      const t = await startTestServer({ chargers: { CP1: {} }, ...serverOptions });
      const cp = await readyChargerWithSession(t, 'CP1', version, options, vehicle);
      return { t, cp };
    }

    it('boots, discovers the smart-charging capabilities and reports them', async () => {
      const { t } = await setup({ config: { maxStackLevel: 5, maxPeriods: 30, rateUnits: ['A', 'W'] } });
      const [boot] = t.port.eventsOf('chargerBooted');
      expect(boot).toMatchObject({ chargerId: 'CP1', version, vendor: 'V2G-Sim' });
      const caps = t.port.capabilities.get('CP1')!;
      expect(caps.capabilities).toMatchObject({ smartCharging: true, maxStackLevel: 5, maxPeriods: 30, discovered: true });
      expect([...caps.capabilities.rateUnits].sort()).toEqual(['A', 'W']);
      expect(caps).toMatchObject({ rateUnit: 'W', canDischarge: false, dischargeMode: 'none' });
    });

    it('sessions, meter values (power, energy register, SoC) and their end reach the port', async () => {
      const { t, cp } = await setup();
      t.server.applyPlan(plan([4, 4]));
      await waitFor(() => setProfiles(cp).length === 1);
      await t.clock.advanceBy(600_000);
      await cp.step();
      const update = await waitFor(() => t.port.eventsOf('sessionUpdated').find((e) => e.powerKw !== undefined && e.powerKw > 0));
      expect(update).toMatchObject({ chargerId: 'CP1', evseId: 1, powerKw: 4, transactionId: cp.evse(1).transactionId });
      expect(update.energyRegisterWh).toBeCloseTo(667, -1);
      expect(update.socPct).toBeCloseTo(34.4, 1);
      await t.clock.advanceBy(600_000);
      await cp.step();
      await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => (e.energyRegisterWh ?? 0) >= 667));
      const txId = cp.evse(1).transactionId!;
      await cp.unplug();
      const ended = await waitFor(() => t.port.eventsOf('sessionEnded')[0]);
      expect(ended).toMatchObject({ chargerId: 'CP1', evseId: 1, transactionId: txId });
      if (twoX) {
        const needs = t.port.eventsOf('chargingNeeds')[0]!;
        expect(needs).toMatchObject({ evseId: 1, departureUtcMs: T0 + 8 * 3_600_000, energyAmountKwh: 30 });
        expect(needs.evMaxChargePowerKw).toBeCloseTo(11.04, 1);
      }
    });

    it('sends the whole remaining plan as one absolute TxProfile: slot boundaries, equal neighbours merged', async () => {
      const { t, cp } = await setup({ config: { maxStackLevel: 6 } });
      t.server.applyPlan(plan([7, 7, 3, 0, 0, 11]));
      await waitFor(() => setProfiles(cp).length === 1);
      const [sent] = setProfiles(cp);
      expect(sent!.reply['status']).toBe('Accepted');
      const profile = profileOf(sent!.params);
      const schedule = scheduleOf(sent!.params);
      expect(profile).toMatchObject({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', stackLevel: 6 });
      expect(String(profile.transactionId)).toBe(cp.evse(1).transactionId);
      expect(schedule).toMatchObject({ startSchedule: new Date(T0).toISOString(), duration: 6 * 900, chargingRateUnit: 'W' });
      expect(schedule.chargingSchedulePeriod).toEqual([
        { startPeriod: 0, limit: 7000, numberPhases: 3 },
        { startPeriod: 1800, limit: 3000, numberPhases: 3 },
        { startPeriod: 2700, limit: 0, numberPhases: 3 },
        { startPeriod: 4500, limit: 11000, numberPhases: 3 },
      ]);
      await waitFor(() => t.server.deliveryStatus('CP1').find((d) => d.evseId === 1)?.status === 'applied');
      expect(t.port.delivery('CP1', 1)).toMatchObject({ status: 'applied', purpose: 'TxProfile', profileId: 91001 });
    });

    it('the composite schedule the charger reports equals the plan, also after time moves on (remaining plan only)', async () => {
      const { t, cp } = await setup();
      const kw = [7, 7, 3, 0, 0, 11, 5.5, 5.5];
      t.server.applyPlan(plan(kw));
      await waitFor(() => setProfiles(cp).length === 1);
      const composite = await t.server.getCompositeSchedule('CP1', 1, 8 * 900, 'W');
      expect(compositeKwPerSlot(composite!, 8)).toEqual(kw);
      await t.clock.advanceBy(2.5 * SLOT_MS);
      t.server.applyPlan(plan([7, 7, 3, 1, 1, 11, 5.5, 5.5]));
      await waitFor(() => setProfiles(cp).length === 2);
      const later = await t.server.getCompositeSchedule('CP1', 1, 6 * 900, 'W');
      expect(compositeKwPerSlot(later!, 8).slice(3)).toEqual([1, 1, 11, 5.5, 5.5]);
      expect(scheduleOf(setProfiles(cp)[1]!.params).startSchedule).toBe(new Date(T0 + 2 * SLOT_MS).toISOString());
    });

    it('the charger draws what its limit allows, reports it in meter values, and suspends at 0', async () => {
      const { t, cp } = await setup();
      t.server.applyPlan(plan([3, 0]));
      await waitFor(() => setProfiles(cp).length === 1);
      await cp.step();
      await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => e.powerKw === 3));
      await t.clock.advanceBy(SLOT_MS);
      await cp.step();
      await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => e.powerKw === 0));
      expect(cp.evse(1).status).toBe('SuspendedEVSE');
      if (!twoX) await waitFor(() => t.port.eventsOf('connectorStatus').some((e) => e.status === 'SuspendedEVSE'));
    });

    it('is idempotent: the same plan twice sends once; a changed plan replaces the same profile id, never stacks', async () => {
      const { t, cp } = await setup();
      t.server.applyPlan(plan([7, 3]));
      await waitFor(() => setProfiles(cp).length === 1);
      await t.server.whenIdle();
      expect(t.server.applyPlan(plan([7, 3])).chargers).toBe(0);
      t.server.applyPlan({ ...plan([7, 3]), planId: 'again' });
      await t.server.whenIdle();
      expect(setProfiles(cp)).toHaveLength(1);
      t.server.applyPlan(plan([5, 3]));
      await waitFor(() => setProfiles(cp).length === 2);
      expect(profileOf(setProfiles(cp)[1]!.params)[version === '1.6' ? 'chargingProfileId' : 'id']).toBe(91001);
      expect(cp.store.list().filter((p) => p.purpose === 'TxProfile')).toHaveLength(1);
    });

    it('uses A with phases and the configured voltage when the charger allows only current', async () => {
      const t = await startTestServer({ chargers: { CP1: { settings: { voltageV: 230, phases: 3 } } } });
      const cp = await readyChargerWithSession(t, 'CP1', version, { config: { rateUnits: ['A'] } });
      t.server.applyPlan(plan([7, 11.04, 0]));
      await waitFor(() => setProfiles(cp).length === 1);
      expect(setProfiles(cp)[0]!.reply['status']).toBe('Accepted');
      const schedule = scheduleOf(setProfiles(cp)[0]!.params);
      expect(schedule.chargingRateUnit).toBe('A');
      expect(schedule.chargingSchedulePeriod).toEqual([
        { startPeriod: 0, limit: 10.1, numberPhases: 3 },
        { startPeriod: 900, limit: 16, numberPhases: 3 },
        { startPeriod: 1800, limit: 0, numberPhases: 3 },
      ]);
      const composite = await t.server.getCompositeSchedule('CP1', 1, 2700, 'A');
      expect(compositeKwPerSlot(composite!, 3).map((x) => Math.round(x * 10) / 10)).toEqual([7, 11, 0]);
    });

    it('cuts the schedule to the charger\'s maximum number of periods and says so', async () => {
      const { t, cp } = await setup({ config: { maxPeriods: 2 } });
      t.server.applyPlan(plan([1, 2, 3, 4]));
      await waitFor(() => setProfiles(cp).length === 1);
      const schedule = scheduleOf(setProfiles(cp)[0]!.params);
      expect(schedule.chargingSchedulePeriod).toHaveLength(2);
      expect(schedule.duration).toBe(1800);
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
      expect(t.port.delivery('CP1', 1)!.truncated).toBe(true);
    });

    it('a refused TxProfile: not applied, the fallback TxDefaultProfile, visible in the API and metrics, retried with backoff then given up', async () => {
      const { t, cp } = await setup({ config: { maxStackLevel: 2 }, reportedConfig: { maxStackLevel: 8 } }, { unmanagedAfter: 100, backoff: { initialDelayMs: 40, maxDelayMs: 80, maxAttempts: 3, jitter: 0 } });
      t.server.applyPlan(plan([6, 2]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'fallback-applied');
      const report = t.port.delivery('CP1', 1)!;
      expect(report).toMatchObject({ code: 'V2G_ERR_OCPP_PROFILE_REJECTED', attempts: 1, purpose: 'TxProfile' });
      expect(report.nextRetryUtcMs).toBeGreaterThan(0);
      expect(cp.store.list().map((p) => p.purpose)).toEqual(['TxDefaultProfile']);
      const composite = await t.server.getCompositeSchedule('CP1', 1, 1800, 'W');
      expect(compositeKwPerSlot(composite!, 2)).toEqual([6, 2]);
      await waitFor(() => t.server.deliveryStatus('CP1').find((d) => d.evseId === 1)?.status === 'failed', 3_000);
      // A negative check (given up means no 4th send): a fixed window past the 80 ms backoff; a slow machine can
      // only make it miss a late send, never fail a correct delivery.
      await new Promise((r) => setTimeout(r, 200));
      const txSends = setProfiles(cp).filter((r) => profileOf(r.params).chargingProfilePurpose === 'TxProfile');
      expect(txSends).toHaveLength(3);
      const metrics = await t.registry.getSingleMetricAsString('v2g_ocpp_profile_sends_total');
      expect(metrics).toContain('purpose="TxProfile",outcome="Rejected"} 3');
      expect(metrics).toContain('purpose="TxDefaultProfile",outcome="Accepted"} 1');
      expect(await t.registry.getSingleMetricAsString('v2g_ocpp_evse_delivery_status')).toContain('status="failed"} 1');
      await cp.unplug();
      await waitFor(() => cp.received.some((r) => r.action === 'ClearChargingProfile'));
      expect(cp.store.list()).toEqual([]);
    });

    it('a unit the charger does not accept (it claims W, enforces A) is rejected: TxProfile and fallback both refused, not applied', async () => {
      const { t, cp } = await setup({ config: { rateUnits: ['A'] }, reportedConfig: { rateUnits: ['W', 'A'] } }, { backoff: { maxAttempts: 2, initialDelayMs: 30, jitter: 0 } });
      t.server.applyPlan(plan([6]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'not-applied');
      expect(cp.received.map((r) => r.reason).filter(Boolean)).toEqual(['rate unit W not supported', 'rate unit W not supported']);
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'failed');
      expect(setProfiles(cp)).toHaveLength(4);
      expect(cp.store.list()).toEqual([]);
    });

    it('a charger without smart charging gets no profile; the port learns it cannot be planned for', async () => {
      const { t, cp } = await setup({ config: { smartCharging: false } });
      t.server.applyPlan(plan([6, 2]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'unmanaged');
      expect(t.port.delivery('CP1', 1)!.code).toBe('V2G_ERR_OCPP_SMART_CHARGING_UNSUPPORTED');
      expect(t.port.capabilities.get('CP1')).toMatchObject({ canDischarge: false, capabilities: { smartCharging: false } });
      expect(setProfiles(cp)).toHaveLength(0);
    });

    it(`a charger that claims smart charging but refuses it answers ${twoX ? 'Rejected' : 'NotSupported'}`, async () => {
      const { t, cp } = await setup({ config: { smartCharging: false }, reportedConfig: { smartCharging: true } }, { unmanagedAfter: 100, backoff: { maxAttempts: 1 } });
      t.server.applyPlan(plan([6]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'failed');
      expect(t.port.delivery('CP1', 1)!.code).toBe(twoX ? 'V2G_ERR_OCPP_PROFILE_REJECTED' : 'V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED');
      expect(setProfiles(cp).map((r) => r.reply['status'])).toEqual(twoX ? ['Rejected', 'Rejected'] : ['NotSupported', 'NotSupported']);
    });

    it('at transaction end the TxProfile is gone (cleared) and is not resent', async () => {
      const { t, cp } = await setup();
      t.server.applyPlan(plan([7, 7, 7, 7]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
      await cp.unplug();
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'cleared');
      expect(cp.received.filter((r) => r.action === 'ClearChargingProfile').map((r) => r.params)).toEqual([version === '1.6' ? { id: 91001 } : { chargingProfileId: 91001 }]);
      expect(cp.store.list()).toEqual([]);
      t.server.applyPlan(plan([7, 7, 7, 7]));
      await t.server.whenIdle();
      expect(t.port.delivery('CP1', 1)?.status).toBe('waiting-for-transaction');
      expect(setProfiles(cp)).toHaveLength(1);
      // A plan made while no transaction ran is for no transaction: the next vehicle never gets it.
      await cp.plugIn(aVehicle({ id: 'EV-2' }));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'waiting-for-plan');
      expect(setProfiles(cp)).toHaveLength(1);
      t.server.applyPlan({ evses: [{ ...plan([5, 5, 5, 5]).evses[0]!, transactionId: cp.evse(1).transactionId! }] });
      await waitFor(() => setProfiles(cp).length === 2);
      expect(String(profileOf(setProfiles(cp)[1]!.params).transactionId)).toBe(cp.evse(1).transactionId);
    });

    it('a station-wide maximum goes to 0 and caps the composite; the charger refuses it on a connector and a TxProfile without a transaction', async () => {
      const t = await startTestServer({ chargers: { CP1: {} } });
      const cp = startCharger({ id: 'CP1', version }, t.server, t.clock);
      await cp.start();
      await waitFor(() => t.server.chargerPhase('CP1') === 'ready');
      const tx = version === '1.6'
        ? { connectorId: 1, csChargingProfiles: { chargingProfileId: 5, transactionId: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { startSchedule: new Date(T0).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 }] } } }
        : { evseId: 1, chargingProfile: { id: 5, transactionId: 'x', stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: new Date(T0).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 }] }] } };
      expect(await t.server.callCharger('CP1', 'SetChargingProfile', tx)).toMatchObject({ status: 'Rejected' });
      const stationOnConnector = version === '1.6'
        ? { connectorId: 1, csChargingProfiles: { ...tx.csChargingProfiles!, transactionId: undefined, chargingProfilePurpose: 'ChargePointMaxProfile' } }
        : { evseId: 1, chargingProfile: { ...tx.chargingProfile!, transactionId: undefined, chargingProfilePurpose: 'ChargingStationMaxProfile' } };
      expect(await t.server.callCharger('CP1', 'SetChargingProfile', JSON.parse(JSON.stringify(stationOnConnector)))).toMatchObject({ status: 'Rejected' });
      expect(cp.received.filter((r) => r.reason).map((r) => r.reason)).toEqual([
        'TxProfile without a running transaction', 'a station maximum is only allowed on connector 0',
      ]);
      await cp.plugIn(aVehicle());
      t.server.applyPlan({ ...plan([7, 7, 7]), stationCaps: [{ chargerId: 'CP1', startUtcMs: T0, slotMs: SLOT_MS, maxPowerKw: [5, 10, 10] }] });
      await waitFor(() => setProfiles(cp).length === 4);
      expect(setProfiles(cp).slice(2).map((r) => [profileOf(r.params).chargingProfilePurpose, (r.params as { connectorId?: number; evseId?: number }).connectorId ?? (r.params as { evseId?: number }).evseId, r.reply['status']])).toEqual([
        [version === '1.6' ? 'ChargePointMaxProfile' : 'ChargingStationMaxProfile', 0, 'Accepted'], ['TxProfile', 1, 'Accepted'],
      ]);
      const composite = await t.server.getCompositeSchedule('CP1', 1, 2700, 'W');
      expect(compositeKwPerSlot(composite!, 3)).toEqual([5, 7, 7]);
    });

    it('clear-profile semantics: by id, purpose and stack level Accepted, an unknown id Unknown; the composite falls back', async () => {
      const { t, cp } = await setup();
      t.server.applyPlan({ ...plan([3, 3]), stationCaps: [{ chargerId: 'CP1', startUtcMs: T0, slotMs: SLOT_MS, maxPowerKw: [9, 9] }] });
      await waitFor(() => setProfiles(cp).length === 2);
      expect(await t.server.clearChargingProfile('CP1', { profileId: 4242 })).toBe('Unknown');
      expect(compositeKwPerSlot((await t.server.getCompositeSchedule('CP1', 1, 1800, 'W'))!, 2)).toEqual([3, 3]);
      expect(await t.server.clearChargingProfile('CP1', { evseId: 1, purpose: 'TxProfile' })).toBe('Accepted');
      expect(compositeKwPerSlot((await t.server.getCompositeSchedule('CP1', 1, 1800, 'W'))!, 2)).toEqual([9, 9]);
      expect(await t.server.clearChargingProfile('CP1', { purpose: 'StationMaxProfile', stackLevel: 1 })).toBe('Unknown');
      expect(await t.server.clearChargingProfile('CP1', { purpose: 'StationMaxProfile', stackLevel: 0 })).toBe('Accepted');
      expect(compositeKwPerSlot((await t.server.getCompositeSchedule('CP1', 1, 1800, 'W'))!, 2)).toEqual([22.08, 22.08]);
      expect(await t.server.clearChargingProfile('CP1', { profileId: 91001 })).toBe('Unknown');
    });

    it('re-syncs on reconnect: nothing resent while the charger still has the profile, resent once when it lost it', async () => {
      const { t, cp } = await setup({ reconnect: true });
      t.server.applyPlan(plan([7, 5, 3]));
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
      cp.dropConnection();
      await waitFor(() => t.port.eventsOf('chargerDisconnected').length === 1);
      await waitFor(() => t.server.chargerPhase('CP1') === 'ready' && t.port.eventsOf('chargerConnected').length === 2);
      await t.server.whenIdle();
      expect(cp.received.filter((r) => r.action === 'GetCompositeSchedule')).toHaveLength(1);
      expect(setProfiles(cp)).toHaveLength(1);
      expect(t.port.eventsOf('chargerBooted')).toHaveLength(1);
      expect(await t.registry.getSingleMetricAsString('v2g_ocpp_resyncs_total')).toContain('outcome="match"} 1');

      cp.dropConnection();
      cp.store.clear({});
      await waitFor(() => t.port.eventsOf('chargerConnected').length === 3 && setProfiles(cp).length === 2);
      await t.server.whenIdle();
      expect(setProfiles(cp)).toHaveLength(2);
      expect(compositeKwPerSlot((await t.server.getCompositeSchedule('CP1', 1, 2700, 'W'))!, 3)).toEqual([7, 5, 3]);
    });

    it('discharge gating: a charger not configured for discharge gets 0 and is reported as unable to discharge', async () => {
      const { t, cp } = await setup({ config: { negativeLimitDischarge: version !== '2.1' } }, {}, aVehicle({ maxDischargeKw: 7 }));
      t.server.applyPlan(plan([5, -5]));
      await waitFor(() => setProfiles(cp).length === 1);
      const periods = scheduleOf(setProfiles(cp)[0]!.params).chargingSchedulePeriod;
      expect(periods.map((p: { limit?: number }) => p.limit)).toEqual([5000, 0]);
      await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
      expect(t.port.delivery('CP1', 1)!.dischargeClamped).toBe(true);
      expect(t.port.capabilities.get('CP1')).toMatchObject({ canDischarge: false, dischargeMode: 'none' });
    });

    if (version === '2.1') {
      it('V2X: CentralSetpoint with a negative setpoint and dischargeLimit <= 0 for a bidirectional EV; the charger discharges', async () => {
        const { t, cp } = await setup({ config: { v2x: true } }, {}, aVehicle({ maxDischargeKw: 7 }));
        expect(t.port.capabilities.get('CP1')).toMatchObject({ canDischarge: true, dischargeMode: 'central-setpoint' });
        const needs = await waitFor(() => t.port.eventsOf('chargingNeeds')[0]);
        expect(needs).toMatchObject({ evBidirectional: true, requestedEnergyTransfer: 'AC_BPT', v2x: { maxDischargePowerKw: 7 } });
        t.server.applyPlan(plan([5, -5, -5, 2]));
        await waitFor(() => setProfiles(cp).length === 1);
        expect(scheduleOf(setProfiles(cp)[0]!.params).chargingSchedulePeriod).toEqual([
          { startPeriod: 0, limit: 5000, numberPhases: 3 },
          { startPeriod: 900, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -5000, numberPhases: 3 },
          { startPeriod: 2700, limit: 2000, numberPhases: 3 },
        ]);
        expect(setProfiles(cp)[0]!.reply['status']).toBe('Accepted');
        expect(compositeKwPerSlot((await t.server.getCompositeSchedule('CP1', 1, 3600, 'W'))!, 4)).toEqual([5, -5, -5, 2]);
        await t.clock.advanceBy(SLOT_MS);
        await cp.step();
        await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => e.powerKw === -5));
      });

      it('V2X is not used for an EV that did not ask for a bidirectional mode', async () => {
        const { t, cp } = await setup({ config: { v2x: true } }, {}, aVehicle({ maxDischargeKw: 0 }));
        t.server.applyPlan(plan([5, -5]));
        await waitFor(() => setProfiles(cp).length === 1);
        expect(scheduleOf(setProfiles(cp)[0]!.params).chargingSchedulePeriod.map((p: { limit?: number }) => p.limit)).toEqual([5000, 0]);
      });
    } else {
      it('negative-limit V2G only for a charger explicitly configured for it; it then discharges', async () => {
        const t = await startTestServer({ chargers: { CP1: { settings: { negativeLimitDischarge: true } } } });
        const cp = await readyChargerWithSession(t, 'CP1', version, { config: { negativeLimitDischarge: true } }, aVehicle({ maxDischargeKw: 7 }));
        expect(t.port.capabilities.get('CP1')).toMatchObject({ canDischarge: true, dischargeMode: 'negative-limit' });
        t.server.applyPlan(plan([5, -5]));
        await waitFor(() => setProfiles(cp).length === 1);
        expect(scheduleOf(setProfiles(cp)[0]!.params).chargingSchedulePeriod.map((p: { limit?: number }) => p.limit)).toEqual([5000, -5000]);
        expect(setProfiles(cp)[0]!.reply['status']).toBe('Accepted');
        await t.clock.advanceBy(SLOT_MS);
        await cp.step();
        await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => e.powerKw === -5));
      });
    }

    it('every message on the wire, both directions, passes the official schema', async () => {
      const { t, cp } = await setup({ config: { v2x: version === '2.1', negativeLimitDischarge: version !== '2.1' } }, { chargers: { CP1: { settings: { negativeLimitDischarge: version !== '2.1' } } } }, aVehicle({ maxDischargeKw: 7 }));
      t.server.applyPlan({ ...plan([5, -3, 0, 7]), stationCaps: [{ chargerId: 'CP1', startUtcMs: T0, slotMs: SLOT_MS, maxPowerKw: [9, 9, 9, 9] }] });
      await waitFor(() => setProfiles(cp).length === 2);
      await t.server.getCompositeSchedule('CP1', 1, 3600, 'W');
      await t.server.clearChargingProfile('CP1', { evseId: 0, purpose: 'StationMaxProfile' });
      await t.clock.advanceBy(SLOT_MS);
      await cp.step();
      await cp.unplug();
      await t.server.whenIdle();
      const subprotocol = subprotocolOf(version);
      const problems = cp.frames.map((f) => ({ f, problem: schemaProblem(subprotocol, f.action, f.kind === 'call' ? 'req' : 'conf', f.payload) })).filter((x) => x.problem);
      expect(problems).toEqual([]);
      const fromCsms = new Set(cp.frames.filter((f) => !f.outbound && f.kind === 'call').map((f) => f.action));
      expect([...fromCsms].sort()).toEqual(['ClearChargingProfile', 'GetCompositeSchedule', version === '1.6' ? 'GetConfiguration' : 'GetVariables', 'SetChargingProfile'].sort());
      expect(cp.frames.length).toBeGreaterThan(15);
    });
  });
}
