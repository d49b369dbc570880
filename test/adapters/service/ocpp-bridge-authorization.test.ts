/**
 * Id-token authorization in the OCPP bridge (ocpp-bridge.ts `authorize`, id-token-policy.ts): the site's
 * list decides (ignoring case), no list accepts every token, a charger no site lists is Accepted, a refused
 * token is logged masked, a transaction with a refused token becomes no session, and a store failure
 * propagates (the adapter answers CALLERROR: test/adapters/ocpp/faults.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import { ChargerDirectory } from '../../../adapters/service/charger-directory.ts';
import { OcppBridge } from '../../../adapters/service/ocpp-bridge.ts';
import { ocppSessionId } from '../../../adapters/service/ocpp-sessions.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from '../../../adapters/service/replan-job.ts';
import { SitePlanCache } from '../../../adapters/service/site-plan-cache.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import type { Store } from '../../../adapters/store/store.ts';
import { aSiteRecord, T0 } from './builders.ts';

const fleetCards = ['04A1B2C3D4E5F6', 'depot-app-7f3c', 'DE*ABC*E1234567*8'];

async function setup(storeOverride?: (store: MemoryStore) => Store) {
  const clock = new ManualClock(T0);
  const memory = new MemoryStore();
  await memory.putSite(aSiteRecord({ id: 'depot', chargers: [{ id: 'CP-1', maxPowerKw: 11, canDischarge: false }], authorization: { idTokens: fleetCards } }));
  await memory.putSite(aSiteRecord({ id: 'open-site', chargers: [{ id: 'CP-OPEN', maxPowerKw: 11, canDischarge: false }] }));
  await memory.putSite(aSiteRecord({ id: 'locked', chargers: [{ id: 'CP-LOCKED', maxPowerKw: 11, canDischarge: false }], authorization: { idTokens: [] } }));
  const store = storeOverride ? storeOverride(memory) : memory;
  const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers: clock, merge: mergeReplanData });
  const logs: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void logs.push({ level, msg, obj: obj as Record<string, unknown> });
  const bridge = new OcppBridge({
    store, queue, clock, log: { debug: at('debug'), info: at('info'), warn: at('warn') },
    config: defaultConfig({ demo: false }),
    directory: new ChargerDirectory({ store, clock }),
    plans: new SitePlanCache(store),
  });
  return { memory, bridge, logs, queue };
}

describe('OcppBridge.authorize with a site id-token list', () => {
  it('a listed token is Accepted, in any letter case; an unlisted one is Invalid', async () => {
    const { bridge } = await setup();
    expect(await bridge.authorize('CP-1', '04A1B2C3D4E5F6')).toBe('Accepted');
    expect(await bridge.authorize('CP-1', '04a1b2c3d4e5f6')).toBe('Accepted');
    expect(await bridge.authorize('CP-1', 'DEPOT-APP-7F3C')).toBe('Accepted');
    expect(await bridge.authorize('CP-1', 'de*abc*e1234567*8')).toBe('Accepted');
    expect(await bridge.authorize('CP-1', '04A1B2C3D4E5F7')).toBe('Invalid');
    expect(await bridge.authorize('CP-1', '04A1B2C3D4E5F6 ')).toBe('Invalid'); // no trimming: another token
    expect(await bridge.authorize('CP-1', '')).toBe('Invalid');
  });

  it('only ASCII letters are case-folded: a Unicode look-alike does not match', async () => {
    const { bridge, memory } = await setup();
    const site = (await memory.getSite('depot'))!;
    await memory.putSite({ ...site, authorization: { idTokens: ['VISIT'] } }, { expectedRevision: site.revision });
    // String.toUpperCase maps 'ı' (dotless i) to 'I' and 'ſ' (long s) to 'S': the policy must not.
    expect('vısıt'.toUpperCase()).toBe('VISIT');
    expect(await bridge.authorize('CP-1', 'visit')).toBe('Accepted');
    expect(await bridge.authorize('CP-1', 'vısıt')).toBe('Invalid');
    expect(await bridge.authorize('CP-1', 'VIſIT')).toBe('Invalid');
  });

  it('a site without a list accepts every token; an empty list accepts none', async () => {
    const { bridge } = await setup();
    expect(await bridge.authorize('CP-OPEN', 'anything-at-all')).toBe('Accepted');
    expect(await bridge.authorize('CP-OPEN', '04A1B2C3D4E5F7')).toBe('Accepted');
    expect(await bridge.authorize('CP-LOCKED', '04A1B2C3D4E5F6')).toBe('Invalid');
  });

  it('a charge point no site lists (auto-registered, not yet assigned) is Accepted: no policy applies', async () => {
    const { bridge, logs } = await setup();
    expect(await bridge.authorize('CP-NOWHERE', 'any-token')).toBe('Accepted');
    expect(logs.filter((l) => l.msg.includes('refused'))).toEqual([]);
  });

  it('a change of the list applies to the next Authorize', async () => {
    const { bridge, memory } = await setup();
    expect(await bridge.authorize('CP-1', 'NEW-CARD-0001')).toBe('Invalid');
    const site = (await memory.getSite('depot'))!;
    await memory.putSite({ ...site, authorization: { idTokens: [...fleetCards, 'new-card-0001'] } }, { expectedRevision: site.revision });
    expect(await bridge.authorize('CP-1', 'NEW-CARD-0001')).toBe('Accepted');
    const { authorization: _dropped, ...open } = (await memory.getSite('depot'))!;
    await memory.putSite(open, { expectedRevision: site.revision + 1 });
    expect(await bridge.authorize('CP-1', 'NOT-LISTED-EVER')).toBe('Accepted');
  });

  it('a refused token is logged at info with the charger id and only its last 4 characters', async () => {
    const { bridge, logs } = await setup();
    await bridge.authorize('CP-1', 'STRANGER-CARD-9876');
    await bridge.authorize('CP-1', 'abc');
    const refused = logs.filter((l) => l.msg.includes('refused'));
    expect(refused.map((l) => l.level)).toEqual(['info', 'info']);
    expect(refused[0]!.obj).toEqual({ chargerId: 'CP-1', siteId: 'depot', idToken: '**************9876' });
    expect(refused[1]!.obj.idToken).toBe('***');
    expect(JSON.stringify(logs)).not.toContain('STRANGER');
  });

  it('a transaction started with a refused token becomes no session and no re-plan; a listed one does', async () => {
    const { bridge, memory, logs } = await setup();
    await bridge.sessionStarted({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-bad', startedUtcMs: T0 - 60_000, idTag: 'STRANGER-CARD-9876' });
    expect(await memory.listSessions('depot')).toEqual([]);
    expect(logs.find((l) => l.msg.includes('refused id token'))?.obj).toMatchObject({ chargerId: 'CP-1', idToken: '**************9876' });
    await bridge.sessionStarted({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-ok', startedUtcMs: T0 - 60_000, idTag: 'depot-APP-7f3c' });
    await bridge.sessionStarted({ chargerId: 'CP-OPEN', evseId: 1, transactionId: 'tx-open', startedUtcMs: T0 - 60_000, idTag: 'anyone' });
    await bridge.sessionStarted({ chargerId: 'CP-LOCKED', evseId: 1, transactionId: 'tx-none', startedUtcMs: T0 - 60_000 }); // 2.x: no token yet
    expect((await memory.listSessions('depot')).map((s) => s.id)).toEqual([ocppSessionId('CP-1', 1, 'tx-ok')]);
    expect((await memory.listSessions('open-site')).map((s) => s.id)).toEqual([ocppSessionId('CP-OPEN', 1, 'tx-open')]);
    expect((await memory.listSessions('locked')).map((s) => s.id)).toEqual([ocppSessionId('CP-LOCKED', 1, 'tx-none')]);
  });

  it('2.x: a token first presented in TransactionEvent(Updated) is answered like Authorize; a refused one removes the session and asks for a re-plan', async () => {
    const { bridge, memory, logs, queue } = await setup();
    await bridge.sessionStarted({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-late', startedUtcMs: T0 - 60_000 }); // no token yet
    const id = ocppSessionId('CP-1', 1, 'tx-late');
    expect((await memory.listSessions('depot')).map((s) => s.id)).toEqual([id]);
    // a listed token keeps it
    expect(await bridge.sessionIdToken({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-late', idTag: 'DEPOT-APP-7F3C', atUtcMs: T0 })).toBe('Accepted');
    expect((await memory.listSessions('depot')).map((s) => s.id)).toEqual([id]);
    // an unlisted one: Invalid, the session is gone, and the log names it (token masked)
    expect(await bridge.sessionIdToken({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-late', idTag: 'STRANGER-CARD-9876', atUtcMs: T0 })).toBe('Invalid');
    expect(await memory.listSessions('depot')).toEqual([]);
    expect(logs.find((l) => l.msg.includes('refused id token: session removed'))?.obj).toMatchObject({ chargerId: 'CP-1', sessionId: id });
    expect((await queue.getJob('replan-depot-1'))?.data.reasons).toContain('ocpp CP-1 id token refused');
    expect(JSON.stringify(logs)).not.toContain('STRANGER');
    // a refused token for a transaction we have no session for changes nothing else
    await bridge.sessionStarted({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-other', startedUtcMs: T0 - 60_000 });
    expect(await bridge.sessionIdToken({ chargerId: 'CP-1', evseId: 1, transactionId: 'tx-unknown', idTag: 'STRANGER-CARD-9876', atUtcMs: T0 })).toBe('Invalid');
    expect((await memory.listSessions('depot')).map((s) => s.id)).toEqual([ocppSessionId('CP-1', 1, 'tx-other')]);
  });

  it('a store failure propagates (the adapter answers CALLERROR and the charger retries)', async () => {
    const { bridge } = await setup((memory) => new Proxy(memory, {
      get(target, key, receiver) {
        if (key === 'listSites' || key === 'getSite') return async () => { throw new Error('store down'); };
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }));
    await expect(bridge.authorize('CP-1', '04A1B2C3D4E5F6')).rejects.toThrow('store down');
  });
});
