/**
 * The OCPP gateway inside the embedded service (`v2g start`): simulated chargers of a site connect to the
 * service's OCPP port; their transactions become sessions of the site and trigger a re-plan; the plan
 * comes back to them as charging profiles; a transaction that ends removes its session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimFleet } from '../../../adapters/ocpp/sim/sim-fleet.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { apiTokens, api, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';
import { loadConfig } from '../../../adapters/config.ts';

describe('embedded service with the OCPP gateway', () => {
  let service: Service;
  let base: string;
  let fleet: SimFleet | undefined;

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', OCPP_PORT: '0', DEMO: 'false', API_TOKENS: apiTokens, REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1' });
    service = await createService(config, { defaultMetrics: false });
    await service.start();
    base = await service.listen();
  });

  afterAll(async () => {
    await fleet?.stop().catch(() => undefined);
    await service?.close();
  });

  it('sessions from chargers are planned, and the plan reaches the chargers as profiles', async () => {
    expect((await api(base, 'POST', '/v1/sites', simSite('depot-ocpp', 3))).status).toBe(201);
    expect((await api(base, 'POST', '/v1/sites/depot-ocpp/signals/import-price', pricesFromNow(Date.now()))).status).toBe(200);
    expect(service.ocpp?.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);

    fleet = new SimFleet({ url: service.ocpp!.url, count: 3, version: '2.0.1', idPrefix: 'SIM', meterIntervalMs: 0, seed: 7 });
    await fleet.start();
    await fleet.plugInAll();

    // 1. three sessions, with the departure and energy the vehicles announced (NotifyEVChargingNeeds)
    const sessions = await waitFor('three OCPP sessions', async () => {
      const res = await api(base, 'GET', '/v1/sites/depot-ocpp/sessions');
      return res.body.sessions?.length === 3 ? res.body.sessions : undefined;
    }, 20_000);
    for (const s of sessions) expect(s.id).toMatch(/^ocpp-SIM-000\d-1-[0-9a-f]{12}$/);

    // 2. a plan with all three vehicles, and each charger got a TxProfile it accepted
    await waitFor('a plan with the three vehicles', async () => {
      const res = await api(base, 'GET', '/v1/sites/depot-ocpp/plan');
      return res.status === 200 && res.body.vehicles.length === 3;
    }, 30_000);
    for (const charger of fleet.chargers) {
      await waitFor(`${charger.id} accepts a profile`, () => charger.received.some((r) => r.action === 'SetChargingProfile' && r.reply.status === 'Accepted'), 20_000);
    }
    // ... and the API says so: each charger connected, the plan in force applied on it
    const delivery = await waitFor('delivery applied on the three chargers', async () => {
      const res = await api(base, 'GET', '/v1/sites/depot-ocpp/delivery');
      return res.status === 200 && res.body.summary.applied === 3 ? res.body : undefined;
    }, 20_000);
    expect(delivery.summary).toMatchObject({ chargers: 3, connected: 3, applied: 3, notApplied: 0, unknown: 0 });
    for (const c of delivery.chargers) {
      expect(c.link).toMatchObject({ connected: true, version: 'ocpp2.0.1' });
      expect(c.delivery).toMatchObject({ status: 'applied', purpose: 'TxProfile' });
      expect(Date.parse(c.delivery.at)).toBeGreaterThan(0);
    }
    const listed = await api(base, 'GET', '/v1/chargers/SIM-0001');
    expect(listed.body).toMatchObject({ chargePointId: 'SIM-0001', connected: true });

    // 3. a vehicle leaves: its session is gone
    await fleet.chargers[0]!.unplug(1);
    await waitFor('the session of SIM-0001 is gone', async () => (await api(base, 'GET', '/v1/sites/depot-ocpp/sessions')).body.sessions.length === 2, 10_000);

    // 4. a charger goes away: the API shows it disconnected
    await fleet.chargers[2]!.close();
    await waitFor('SIM-0003 reported disconnected', async () => {
      const res = await api(base, 'GET', '/v1/sites/depot-ocpp/delivery');
      return res.body.chargers.find((c: { chargePointId: string }) => c.chargePointId === 'SIM-0003')?.link?.connected === false;
    }, 10_000);
  });

  it('refuses a charger that no site lists', async () => {
    const stranger = new SimFleet({ url: service.ocpp!.url, count: 1, version: '1.6', idPrefix: 'NOBODY', meterIntervalMs: 0 });
    await expect(stranger.start()).rejects.toThrow();
    await stranger.stop().catch(() => undefined);
  });
});
