/**
 * Profiles are cleared in the service (issue 11, item 11), embedded and on Redis: a session deleted through
 * the API is re-planned away, the site's next plan covers its charger with no schedule for it, and the
 * gateway clears the running transaction's TxProfile (ClearChargingProfile by id, 1.6 and 2.0.1 shapes); the
 * delivery view says `cleared`. A transaction that ends has its TxProfile cleared too.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../adapters/config.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { api, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';

const clears = (cp: SimCharger) => cp.received.filter((r) => r.action === 'ClearChargingProfile');

function suite(mode: 'embedded' | 'redis', env: () => Record<string, string>) {
  let service: Service;
  let base: string;
  const chargers: SimCharger[] = [];
  const siteId = `clear-${mode}`;

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', OCPP_PORT: '0', HOST: '127.0.0.1', DEMO: 'false', API_TOKENS: apiTokens, REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1', ...env() });
    service = await createService(config, { defaultMetrics: false });
    await service.start();
    base = await service.listen();
    expect((await api(base, 'POST', '/v1/sites', simSite(siteId, 2))).status).toBe(201);
    expect((await api(base, 'POST', `/v1/sites/${siteId}/signals/import-price`, pricesFromNow(Date.now()))).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const c of chargers) await c.close().catch(() => undefined);
    await service?.close();
  });

  const deliveryOf = async (chargerId: string) => (await api(base, 'GET', `/v1/sites/${siteId}/delivery`)).body.chargers?.find((c: { chargerId: string }) => c.chargerId === chargerId)?.delivery;

  it.each([['1.6', 'SIM-0001'], ['2.0.1', 'SIM-0002']] as [OcppVersion, string][])(`${mode}: OCPP %s: a deleted session's profile is cleared, then the next transaction's at its end`, async (version, id) => {
    const cp = new SimCharger({ url: service.ocpp!.url, id, version, reconnect: false });
    chargers.push(cp);
    await cp.start();
    const vehicle = { id: `EV-${id}`, capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 50, maxChargeKw: 11, maxDischargeKw: 0, departureUtcMs: Date.now() + 6 * 3_600_000, reserveKwh: 10 };
    await cp.plugIn(vehicle);
    await waitFor(`${id}: its own plan applied`, async () => {
      const d = await deliveryOf(id);
      return d?.status === 'applied' && d.inForce === 'plan' && d.current === true;
    }, 30_000);
    const sessions = (await api(base, 'GET', `/v1/sites/${siteId}/sessions`)).body.sessions as { id: string; chargerId: string }[];
    const session = sessions.find((s) => s.chargerId === id)!;
    expect((await api(base, 'DELETE', `/v1/sites/${siteId}/sessions/${session.id}`)).status).toBe(204);
    const cleared = await waitFor(`${id}: cleared after the session was deleted`, async () => {
      const d = await deliveryOf(id);
      return d?.status === 'cleared' ? d : undefined;
    }, 30_000);
    expect(cleared.reason).toMatch(/withdrew the schedule of the running transaction's session: profile\(s\) 91001 cleared$/);
    expect(clears(cp).map((r) => [r.params, r.reply])).toEqual([[version === '1.6' ? { id: 91001 } : { chargingProfileId: 91001 }, { status: 'Accepted' }]]);
    expect(cp.store.list().filter((p) => p.purpose === 'TxProfile')).toEqual([]);

    // A new transaction gets its own plan; when it ends, its TxProfile is cleared.
    await cp.unplug();
    await cp.plugIn({ ...vehicle, id: `EV-${id}-2` });
    await waitFor(`${id}: the new transaction's plan applied`, async () => (await deliveryOf(id))?.status === 'applied', 30_000);
    await cp.unplug();
    const ended = await waitFor(`${id}: cleared at transaction end`, async () => {
      const d = await deliveryOf(id);
      return d?.status === 'cleared' && /ended/.test(d.reason ?? '') ? d : undefined;
    }, 30_000);
    expect(ended.reason).toMatch(/^transaction .+ ended: profile\(s\) 91001 cleared$/);
    expect(clears(cp)).toHaveLength(2);
  }, 120_000);
}

describe('profiles are cleared (embedded)', () => suite('embedded', () => ({})));

describeWithRedis('profiles are cleared (Redis)', () => {
  const prefix = randomPrefix();
  let admin: Redis;
  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-clear-profiles');
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  });
  suite('redis', () => ({ REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '60000' }));
});
