/**
 * The store-backed CsmsPort (ocpp-bridge.ts) and the gateway's plan application (gateway-plans.ts),
 * without sockets: a MemoryStore, a MemoryQueue on a ManualClock, and a fake OCPP server.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import type { ChargerPlanSet } from '../../../adapters/ocpp/charger-plan.ts';
import type { ChargingNeeds, SessionStarted } from '../../../adapters/ocpp/csms-port.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import { ChargerDirectory } from '../../../adapters/service/charger-directory.ts';
import { GatewayPlans, type PlanTarget } from '../../../adapters/service/gateway-plans.ts';
import { OcppBridge } from '../../../adapters/service/ocpp-bridge.ts';
import { ocppAddressOf, siteChargerIdOf } from '../../../adapters/service/ocpp-charger-ids.ts';
import { ocppSessionDefaults, ocppSessionId, sessionFromStart, withChargingNeeds } from '../../../adapters/service/ocpp-sessions.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from '../../../adapters/service/replan-job.ts';
import { sessionIssues } from '../../../adapters/service/session-validation.ts';
import { SitePlanCache } from '../../../adapters/service/site-plan-cache.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import type { PlanRecord } from '../../../adapters/store/records.ts';
import { aSessionRecord, aSiteRecord, HOUR, T0 } from './builders.ts';

const site = aSiteRecord({
  chargers: [
    { id: 'CP-1', ac: { maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 }, canDischarge: true },
    { id: 'CP-1-evse2', maxPowerKw: 11, canDischarge: false },
    { id: 'CP-2', maxPowerKw: 22, canDischarge: false },
  ],
});
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const started = (chargerId: string, evseId = 1, transactionId = 'tx-1'): SessionStarted => ({ chargerId, evseId, transactionId, startedUtcMs: T0 - 60_000 });
const needs = (override: Partial<ChargingNeeds> = {}): ChargingNeeds => ({
  chargerId: 'CP-1', evseId: 1, transactionId: 'tx-1', atUtcMs: T0, departureUtcMs: T0 + 5 * HOUR, energyAmountKwh: 20,
  evCapacityKwh: 75, requestedEnergyTransfer: 'AC_BPT', evBidirectional: true, ...override,
});

async function setup() {
  const clock = new ManualClock(T0);
  const store = new MemoryStore();
  await store.putSite(site);
  const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers: clock, merge: mergeReplanData });
  const directory = new ChargerDirectory({ store, clock });
  const plans = new SitePlanCache(store);
  const online: string[] = [];
  const bridge = new OcppBridge({ store, queue, config: defaultConfig({ demo: false }), clock, directory, plans, log: quiet, onChargerOnline: (id) => online.push(id) });
  const pendingReasons = async () => (await queue.getJob('replan-site-1-1'))?.data.reasons ?? [];
  return { clock, store, queue, bridge, online, pendingReasons };
}

describe('OCPP charger ids', () => {
  it('maps site charger ids to charge point and EVSE and back', () => {
    expect(ocppAddressOf('CP-1')).toEqual({ chargerId: 'CP-1', evseId: 1 });
    expect(ocppAddressOf('CP-1-evse2')).toEqual({ chargerId: 'CP-1', evseId: 2 });
    expect(ocppAddressOf('odd-evse1')).toEqual({ chargerId: 'odd-evse1', evseId: 1 });
    expect(siteChargerIdOf('CP-1', 1)).toBe('CP-1');
    expect(siteChargerIdOf('CP-1', 2)).toBe('CP-1-evse2');
  });
});

describe('OCPP sessions (pure)', () => {
  it('a started transaction is a valid session with the documented defaults and no V2G', () => {
    const s = sessionFromStart('site-1', 'CP-1', started('CP-1'), T0);
    expect(s).toMatchObject({ id: ocppSessionId('CP-1', 1, 'tx-1'), chargerId: 'CP-1', socPercent: ocppSessionDefaults.socPercent, v2gConsent: false });
    expect(s.departureUtcMs).toBe(T0 + ocppSessionDefaults.stayHours * HOUR);
    expect(s.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
    expect(sessionIssues(site, s, T0)).toEqual([]);
    const long = ocppSessionId('X'.repeat(48), 3, 'y'.repeat(36));
    expect(long.length).toBeLessThanOrEqual(64);
  });

  it('charging needs set departure, capacity, target energy, and V2G only where the charger can discharge', () => {
    const s = sessionFromStart('site-1', 'CP-1', started('CP-1'), T0);
    const withNeeds = withChargingNeeds(s, needs(), true, T0);
    expect(withNeeds).toMatchObject({ departureUtcMs: T0 + 5 * HOUR, capacityKwh: 75, v2gConsent: true });
    expect(withNeeds.targetEnergyKwh).toBeCloseTo(75 * 0.3 + 20, 6);
    expect(withNeeds.targetSocPercent).toBeUndefined();
    expect(withChargingNeeds(s, needs(), false, T0).v2gConsent).toBe(false);
    expect(withChargingNeeds(s, needs({ departureUtcMs: T0 - HOUR }), true, T0).departureUtcMs).toBe(s.departureUtcMs);
    expect(withChargingNeeds(s, needs({ socPct: 55, v2x: { targetSocPct: 95 } }), true, T0)).toMatchObject({ socPercent: 55, targetSocPercent: 95 });
    expect(sessionIssues(site, withNeeds, T0)).toEqual([]);
  });
});

describe('OcppBridge', () => {
  it('knows only charge points that a site lists, and takes their settings from the site', async () => {
    const { bridge } = await setup();
    expect(await bridge.chargerKnown('CP-1')).toBe(true);
    expect(await bridge.chargerKnown('CP-9')).toBe(false);
    expect(await bridge.chargerSettings('CP-1')).toEqual({ voltageV: 230, phases: 3, negativeLimitDischarge: true });
    // Without a credentials store (ocpp-bridge-credentials.test.ts has one): passwords refused, no auto-registration.
    expect(await bridge.verifyChargerPassword('CP-1', Buffer.from('any-password-000001'))).toBe(false);
    await expect(bridge.registerCharger('CP-9')).rejects.toThrow(/auto-registration needs the charger credentials store/);
  });

  it('a session from a transaction replaces an API session on the same charger and asks for a re-plan', async () => {
    const { store, bridge, pendingReasons } = await setup();
    await store.putSession(aSessionRecord({ id: 'api-1', chargerId: 'CP-1' }));
    await bridge.sessionStarted(started('CP-1'));
    await bridge.sessionStarted(started('CP-1')); // the charger repeats its message: nothing changes
    expect((await store.listSessions('site-1')).map((s) => s.id)).toEqual([ocppSessionId('CP-1', 1, 'tx-1')]);
    expect(await pendingReasons()).toEqual(['ocpp CP-1 session started']);
  });

  it('facts for an EVSE no site has are dropped without an error (the charger would repeat them forever)', async () => {
    const { store, bridge } = await setup();
    await bridge.sessionStarted(started('CP-1', 3));
    await bridge.sessionStarted(started('CP-9'));
    expect(await store.listSessions('site-1')).toEqual([]);
  });

  it('needs, drifting SoC and the end of the transaction update the session and re-plan; a SoC on track writes nothing', async () => {
    const { clock, store, bridge, pendingReasons } = await setup();
    await bridge.sessionStarted(started('CP-1', 2));
    const id = ocppSessionId('CP-1', 2, 'tx-1');
    await bridge.chargingNeeds(needs({ evseId: 2 }));
    expect(await store.getSession('site-1', id)).toMatchObject({ capacityKwh: 75, v2gConsent: false, departureUtcMs: T0 + 5 * HOUR });

    const before = await store.getSession('site-1', id);
    await bridge.sessionUpdated({ chargerId: 'CP-1', evseId: 2, atUtcMs: T0, socPct: 30.5 }); // 0.4 kWh off: on track
    expect(await store.getSession('site-1', id)).toEqual(before);
    await bridge.sessionUpdated({ chargerId: 'CP-1', evseId: 2, transactionId: 'tx-1', atUtcMs: T0, socPct: 45 }); // 11 kWh off
    expect(await store.getSession('site-1', id)).toMatchObject({ socPercent: 45, measuredAtUtcMs: T0 });
    expect(await pendingReasons()).toEqual(['ocpp CP-1 session started', 'ocpp CP-1 charging needs', 'ocpp CP-1 state of charge drifted']);

    await clock.advanceBy(HOUR);
    await bridge.sessionEnded({ chargerId: 'CP-1', evseId: 2, transactionId: 'tx-1', endedUtcMs: T0 + HOUR });
    expect(await store.getSession('site-1', id)).toBeUndefined();
    expect((await pendingReasons()).at(-1)).toBe('ocpp CP-1 session ended');
  });

  it('a charger that reports it cannot discharge withdraws V2G from its sessions', async () => {
    const { store, bridge } = await setup();
    await bridge.sessionStarted(started('CP-1'));
    await bridge.chargingNeeds(needs());
    const id = ocppSessionId('CP-1', 1, 'tx-1');
    expect((await store.getSession('site-1', id))?.v2gConsent).toBe(true);
    await bridge.chargerCapabilities({ chargerId: 'CP-1', version: '1.6', capabilities: {} as never, dischargeMode: 'none', canDischarge: false });
    expect((await store.getSession('site-1', id))?.v2gConsent).toBe(false);
    await bridge.chargingNeeds(needs());
    expect((await store.getSession('site-1', id))?.v2gConsent).toBe(false);
  });

  it('a charger that connects is reported online (its plan is applied)', async () => {
    const { bridge, online } = await setup();
    await bridge.chargerConnected({ chargerId: 'CP-2', version: '2.0.1', atUtcMs: T0 });
    expect(online).toEqual(['CP-2']);
  });
});

describe('GatewayPlans', () => {
  const plan = (id: string, createdAtUtcMs: number, kw: number): PlanRecord =>
    ({
      id, siteId: 'site-1', createdAtUtcMs, jobId: 'j',
      grid: { startUtcMs: T0, endUtcMs: T0 + 2 * 900_000, slotMs: 900_000, slotCount: 2, zone: 'Europe/Berlin' },
      plan: { slotCount: 2, slotHours: 0.25, vehicles: [{ id: 'a', chargerId: 'CP-1', powerKw: [kw, kw] }, { id: 'b', chargerId: 'CP-2', powerKw: [1, 2] }] },
    }) as unknown as PlanRecord;

  it('applies the current plan only to the chargers connected here, and never an older plan over a newer one', async () => {
    const { store } = await setup();
    const applied: ChargerPlanSet[] = [];
    const target: PlanTarget = { connectedChargers: () => ['CP-1'], applyPlan: (p) => (applied.push(p), { chargers: 1, evses: p.evses.length, offline: [] }) };
    const plans = new GatewayPlans({ plans: new SitePlanCache(store), directory: new ChargerDirectory({ store, clock: new ManualClock(T0) }), log: quiet });
    plans.attach(target);
    await store.putPlan(plan('p2', T0 + 1000, 7), 10);
    await plans.planReady({ siteId: 'site-1', planId: 'p2', createdAtUtcMs: T0 + 1000 });
    // The plan covers CP-1 in full (a session it no longer has is withdrawn there); CP-2 is not held here.
    expect(applied).toEqual([{ planId: 'p2', evses: [{ chargerId: 'CP-1', evseId: 1, sessionId: 'a', startUtcMs: T0, slotMs: 900_000, powerKw: [7, 7] }], chargers: ['CP-1'] }]);
    // A late announcement of an older plan that is (somehow) current again does not go out.
    await store.putPlan(plan('p1', T0, 3), 10);
    await plans.planReady({ siteId: 'site-1', planId: 'p1', createdAtUtcMs: T0 });
    expect(applied).toHaveLength(1);
    // A charger coming online gets the current plan whatever its age.
    await plans.chargerOnline('CP-1');
    expect(applied.at(-1)?.planId).toBe('p1');
  });
});
