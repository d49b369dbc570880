/**
 * Id-token authorization end to end in the embedded service (`v2g start`): a site lists its fleet's
 * tokens; simulated 1.6 and 2.0.1 chargers of the site present tokens with Authorize and at the start of a
 * transaction. An unlisted token is Invalid and its transaction becomes no session; a listed one (in any
 * letter case) is Accepted and planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../adapters/config.ts';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import type { SimVehicleSpec } from '../../../adapters/ocpp/sim/sim-vehicle.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { ocppSessionId } from '../../../adapters/service/ocpp-sessions.ts';
import { api, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';

const fleetTokens = ['FLEET-CARD-0001', 'fleet-app-token-0002'];

function vehicle(id: string, idTag: string): SimVehicleSpec {
  return { id, idTag, capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 50, maxChargeKw: 11, maxDischargeKw: 0, departureUtcMs: Date.now() + 6 * 3_600_000 };
}

describe('embedded service: id-token authorization per site', () => {
  let service: Service;
  let base: string;
  const chargers: SimCharger[] = [];

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', OCPP_PORT: '0', DEMO: 'false', API_TOKENS: apiTokens, REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1' });
    service = await createService(config, { defaultMetrics: false });
    await service.start();
    base = await service.listen();
    const site = { ...simSite('depot-auth', 2), authorization: { idTokens: fleetTokens } };
    expect((await api(base, 'POST', '/v1/sites', site)).status).toBe(201);
    expect((await api(base, 'POST', '/v1/sites/depot-auth/signals/import-price', pricesFromNow(Date.now()))).status).toBe(200);
  });

  afterAll(async () => {
    for (const c of chargers) await c.close().catch(() => undefined);
    await service?.close();
  });

  for (const [version, chargePointId] of [['1.6', 'SIM-0001'], ['2.0.1', 'SIM-0002']] as const) {
    it(`OCPP ${version}: an unlisted token is Invalid on Authorize and at the start, and no session is planned for it; a listed one is Accepted`, async () => {
      const cp = new SimCharger({ url: service.ocpp!.url, id: chargePointId, version, reconnect: false });
      chargers.push(cp);
      await cp.start();

      expect(await cp.authorize('STRANGER-9876')).toBe('Invalid');
      expect(await cp.authorize('fleet-card-0001')).toBe('Accepted');
      expect(await cp.authorize('FLEET-APP-TOKEN-0002')).toBe('Accepted');
      // what went over the wire: the CSMS's answer in idTagInfo (1.6) / idTokenInfo (2.x)
      const answers = cp.frames.filter((f) => !f.outbound && f.kind === 'result' && f.action === 'Authorize').map((f) => f.payload);
      expect(answers.slice(-3)).toEqual(version === '1.6'
        ? [{ idTagInfo: { status: 'Invalid' } }, { idTagInfo: { status: 'Accepted' } }, { idTagInfo: { status: 'Accepted' } }]
        : [{ idTokenInfo: { status: 'Invalid' } }, { idTokenInfo: { status: 'Accepted' } }, { idTokenInfo: { status: 'Accepted' } }]);

      // StartTransaction / TransactionEvent(Started) with the stranger's token: Invalid, no session
      const refusedTx = await cp.plugIn(vehicle(`EV-X-${version}`, 'stranger-9876'));
      expect(cp.evse(1).idTokenStatus).toBe('Invalid');
      const refusedId = ocppSessionId(chargePointId, 1, refusedTx);
      expect((await api(base, 'GET', `/v1/sites/depot-auth/sessions/${refusedId}`)).status).toBe(404);
      await cp.unplug(1);

      // the fleet's card: Accepted, and its session is planned
      const acceptedTx = await cp.plugIn(vehicle(`EV-F-${version}`, 'Fleet-Card-0001'));
      expect(cp.evse(1).idTokenStatus).toBe('Accepted');
      const acceptedId = ocppSessionId(chargePointId, 1, acceptedTx);
      expect((await api(base, 'GET', `/v1/sites/depot-auth/sessions/${acceptedId}`)).status).toBe(200);
      const mine = (await api(base, 'GET', '/v1/sites/depot-auth/sessions')).body.sessions.filter((s: { chargerId: string }) => s.chargerId === chargePointId);
      expect(mine.map((s: { id: string }) => s.id)).toEqual([acceptedId]);
      await waitFor(`a plan with ${acceptedId}`, async () => {
        const res = await api(base, 'GET', '/v1/sites/depot-auth/plan');
        return res.status === 200 && res.body.vehicles.some((v: { sessionId: string }) => v.sessionId === acceptedId);
      }, 30_000);
    });
  }

  it('lifting the policy (PUT without authorization) accepts any token again', async () => {
    const { id: _id, ...body } = simSite('depot-auth', 2);
    expect((await api(base, 'PUT', '/v1/sites/depot-auth', body)).status).toBe(200);
    expect(await chargers[0]!.authorize('STRANGER-9876')).toBe('Accepted');
    expect(await chargers[1]!.authorize('STRANGER-9876')).toBe('Accepted');
  });
});
