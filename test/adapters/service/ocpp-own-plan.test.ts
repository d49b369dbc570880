/**
 * Every charger follows exactly its own vehicle's plan, in the service (issue 11), embedded and on Redis:
 * - a vehicle that plugs in on a charger where an API session with V2G consent was planned (discharge
 *   included) never gets that plan: its first profile is its safe first limit (charge only), then its own
 *   session's plan; no profile it ever gets has a negative limit (it did not consent);
 * - a charger answering NotImplemented is `unmanaged` in the delivery view, and the plan carries its session
 *   as uncontrolled load instead of a vehicle.
 */
import type { Redis } from 'ioredis';
import { createRPCError } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../adapters/config.ts';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { api, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';

const profilesOf = (cp: SimCharger) => cp.received.filter((r) => r.action === 'SetChargingProfile').map((r) => r.params as any);
const limitsOf = (p: any): number[] => (p.csChargingProfiles ? p.csChargingProfiles.chargingSchedule : p.chargingProfile.chargingSchedule[0]).chargingSchedulePeriod.map((x: any) => x.limit ?? x.setpoint);

function suite(mode: 'embedded' | 'redis', env: () => Record<string, string>) {
  let service: Service;
  let base: string;
  const chargers: SimCharger[] = [];

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', OCPP_PORT: '0', HOST: '127.0.0.1', DEMO: 'false', API_TOKENS: apiTokens, REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1', ...env() });
    service = await createService(config, { defaultMetrics: false });
    await service.start();
    base = await service.listen();
  }, 120_000);

  afterAll(async () => {
    for (const c of chargers) await c.close().catch(() => undefined);
    await service?.close();
  });

  it(`${mode}: a new transaction gets its safe first limit, never the V2G plan of another session, then its own plan`, async () => {
    const siteId = `own-${mode}`;
    expect((await api(base, 'POST', '/v1/sites', simSite(siteId, 2))).status).toBe(201);
    expect((await api(base, 'POST', `/v1/sites/${siteId}/signals/import-price`, pricesFromNow(Date.now()))).status).toBe(200);
    const session = { id: 'ev-0003', chargerId: 'SIM-0001', departure: new Date(Date.now() + 10 * 3_600_000).toISOString(), capacityKwh: 60, socPercent: 90, targetSocPercent: 20, v2gConsent: true };
    expect((await api(base, 'POST', `/v1/sites/${siteId}/sessions`, session)).status).toBe(201);
    await waitFor('a plan with ev-0003', async () => (await api(base, 'GET', `/v1/sites/${siteId}/plan`)).body?.vehicles?.some((v: { sessionId?: string; id?: string }) => (v.sessionId ?? v.id) === 'ev-0003'), 30_000);

    const cp = new SimCharger({ url: service.ocpp!.url, id: 'SIM-0001', version: '2.0.1', reconnect: false, config: { negativeLimitDischarge: true } });
    chargers.push(cp);
    await cp.start();
    await cp.plugIn({ id: 'EV-X', capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 50, maxChargeKw: 11, maxDischargeKw: 0, departureUtcMs: Date.now() + 6 * 3_600_000, reserveKwh: 10 });
    const first = await waitFor('the first profile', () => profilesOf(cp)[0], 20_000);
    expect(limitsOf(first).every((w) => w >= 0)).toBe(true);
    await waitFor('its own plan applied', async () => {
      const res = await api(base, 'GET', `/v1/sites/${siteId}/delivery`);
      const d = res.body.chargers?.find((c: { chargerId: string }) => c.chargerId === 'SIM-0001')?.delivery;
      return d?.status === 'applied' && d.inForce === 'plan' && d.current === true;
    }, 30_000);
    for (const p of profilesOf(cp)) expect(limitsOf(p).every((w) => w >= 0)).toBe(true);
    expect(cp.received.filter((r) => r.action === 'SetChargingProfile').every((r) => r.reply['status'] === 'Accepted')).toBe(true);
  }, 90_000);

  it(`${mode}: a charger that answers NotImplemented is unmanaged; its session is planned as uncontrolled load`, async () => {
    const siteId = `own-${mode}`;
    const cp = new SimCharger({ url: service.ocpp!.url, id: 'SIM-0002', version: '1.6', reconnect: false });
    chargers.push(cp);
    cp.overrideHandler('SetChargingProfile', async () => {
      throw createRPCError('NotImplemented', 'no smart charging') as Error;
    });
    await cp.start();
    await cp.plugIn({ id: 'EV-Y', capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 50, maxChargeKw: 11, maxDischargeKw: 0, departureUtcMs: Date.now() + 6 * 3_600_000, reserveKwh: 10 });
    const view = await waitFor('SIM-0002 unmanaged in the delivery view', async () => {
      const res = await api(base, 'GET', `/v1/sites/${siteId}/delivery`);
      return res.body.chargers?.find((c: { chargerId: string }) => c.chargerId === 'SIM-0002')?.delivery?.status === 'unmanaged' ? res.body : undefined;
    }, 30_000);
    expect(view.summary.unmanaged).toBe(1);
    const plan = await waitFor('a plan with SIM-0002 as uncontrolled load', async () => {
      const res = await api(base, 'GET', `/v1/sites/${siteId}/plan`);
      return res.body?.uncontrolledSessions?.some((u: { chargerId: string }) => u.chargerId === 'SIM-0002') ? res.body : undefined;
    }, 30_000);
    expect(plan.uncontrolledSessions[0]).toMatchObject({ chargerId: 'SIM-0002', powerKw: 11.04 });
    expect(plan.vehicles.some((v: { chargerId: string }) => v.chargerId === 'SIM-0002')).toBe(false);
    // One try (NotImplemented), then nothing more however many plans follow.
    expect(cp.received.filter((r) => r.action === 'SetChargingProfile')).toHaveLength(1);
  }, 90_000);
}

describe('chargers follow their own plan (embedded)', () => suite('embedded', () => ({})));

describeWithRedis('chargers follow their own plan (Redis)', () => {
  const prefix = randomPrefix();
  let admin: Redis;
  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-own-plan');
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  });
  suite('redis', () => ({ REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '60000' }));
});
