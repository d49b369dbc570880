/**
 * The OCPP bridge with the charger credentials store (ocpp-bridge.ts): which charge points are known per
 * security profile, password verification against the stored hash, and auto-registration (trust on first
 * use) that records the charge point as `auto-registered`, without sockets.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import { ChargerDirectory } from '../../../adapters/service/charger-directory.ts';
import { OcppBridge } from '../../../adapters/service/ocpp-bridge.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from '../../../adapters/service/replan-job.ts';
import { SitePlanCache } from '../../../adapters/service/site-plan-cache.ts';
import { MemoryChargerCredentials } from '../../../adapters/store/memory-charger-credentials.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { aSiteRecord, T0 } from './builders.ts';

const password = Buffer.from('cp1-password-0000001');

async function setup(securityProfile: 0 | 1 | 2, ocppAutoRegister = false) {
  const clock = new ManualClock(T0);
  const store = new MemoryStore();
  await store.putSite(aSiteRecord({ chargers: [{ id: 'CP-1', maxPowerKw: 11, canDischarge: false }] }));
  const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers: clock, merge: mergeReplanData });
  const credentials = new MemoryChargerCredentials({ hashCost: 1024 });
  const logs: { msg: string; obj: object }[] = [];
  const log = { debug: () => undefined, info: (obj: object, msg: string) => void logs.push({ obj, msg }), warn: (obj: object, msg: string) => void logs.push({ obj, msg }) };
  const bridge = new OcppBridge({
    store, queue, clock, log, credentials,
    config: defaultConfig({ demo: false, ocppSecurityProfile: securityProfile, ocppAutoRegister }),
    directory: new ChargerDirectory({ store, clock }),
    plans: new SitePlanCache(store),
  });
  return { clock, store, credentials, bridge, logs };
}

describe('OcppBridge with charger credentials', () => {
  it('profile 0: a charge point on a site is known; a registered one only with auto-registration on; passwords are not asked', async () => {
    for (const autoRegister of [false, true]) {
      const { bridge, credentials } = await setup(0, autoRegister);
      expect(await bridge.chargerKnown('CP-1')).toBe(true);
      expect(await bridge.chargerKnown('CP-9')).toBe(false);
      await credentials.register('CP-9', undefined, T0);
      expect(await bridge.chargerKnown('CP-9')).toBe(autoRegister);
    }
  });

  it('profiles 1 and 2: known means on a site (or auto-registration on) and a password; verify checks the stored hash', async () => {
    for (const [profile, autoRegister] of [[1, false], [2, false], [1, true]] as const) {
      const { bridge, credentials } = await setup(profile, autoRegister);
      expect(await bridge.chargerKnown('CP-1')).toBe(false); // on the site, but no password yet
      await credentials.setPassword('CP-1', password, 'api', T0);
      await credentials.setPassword('CP-OFFSITE', password, 'api', T0);
      await credentials.register('CP-NOPW', undefined, T0);
      expect(await bridge.chargerKnown('CP-1')).toBe(true);
      // credentials alone do not admit a charge point no site lists, unless auto-registration is on
      expect(await bridge.chargerKnown('CP-OFFSITE')).toBe(autoRegister);
      expect(await bridge.chargerKnown('CP-NOPW')).toBe(false);
      expect(await bridge.verifyChargerPassword('CP-1', password)).toBe(true);
      expect(await bridge.verifyChargerPassword('CP-1', Buffer.from('cp1-password-0000002'))).toBe(false);
      expect(await bridge.verifyChargerPassword('CP-9', password)).toBe(false);
    }
  });

  it('registerCharger records the charge point as auto-registered with its first password (trust on first use), logging no secret', async () => {
    const { bridge, credentials, logs } = await setup(1, true);
    await bridge.registerCharger('CP-NEW', password);
    expect(await credentials.get('CP-NEW')).toEqual({ chargePointId: 'CP-NEW', hasPassword: true, source: 'auto-registered', createdAtUtcMs: T0, updatedAtUtcMs: T0 });
    expect(await bridge.chargerKnown('CP-NEW')).toBe(true);
    expect(await bridge.verifyChargerPassword('CP-NEW', password)).toBe(true);
    expect(logs.map((l) => l.msg)).toEqual(['charger auto-registered; no site lists it yet, so its sessions are dropped until an admin adds it to a site']);
    expect(logs[0]!.obj).toEqual({ chargerId: 'CP-NEW', secured: true, siteId: undefined });
    expect(JSON.stringify(logs)).not.toMatch(/scrypt|cp1-password/);
    // The same charge point again with its password: fine; a different first password racing in: refused.
    await bridge.registerCharger('CP-NEW', password);
    await expect(bridge.registerCharger('CP-NEW', Buffer.from('another-password-001'))).rejects.toThrow(/registered concurrently with another password/);
    expect(await bridge.verifyChargerPassword('CP-NEW', Buffer.from('another-password-001'))).toBe(false);
  });

  it('registerCharger without a password (profile 0) records it; one on a site is logged with its site', async () => {
    const { bridge, credentials, logs } = await setup(0);
    await bridge.registerCharger('CP-1');
    expect(await credentials.get('CP-1')).toMatchObject({ hasPassword: false, source: 'auto-registered' });
    expect(logs).toEqual([{ msg: 'charger auto-registered', obj: { chargerId: 'CP-1', secured: false, siteId: 'site-1' } }]);
  });

  it('facts from a registered charge point that no site lists are dropped (logged), not stored', async () => {
    const { bridge, store, logs } = await setup(1);
    await bridge.registerCharger('CP-NEW', password);
    await bridge.sessionStarted({ chargerId: 'CP-NEW', evseId: 1, transactionId: 'tx-1', startedUtcMs: T0 });
    expect(await store.listSessions('site-1')).toEqual([]);
    expect(logs.at(-1)!.msg).toBe('no site has charger "CP-NEW": the fact is dropped');
  });
});
