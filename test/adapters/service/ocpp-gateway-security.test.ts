/**
 * The service's OCPP gateway with security on (gateway.ts, ocpp-bridge.ts, the charger credentials):
 *
 * - embedded, security profile 1: chargers whose password an admin set through the API connect, plug in
 *   and get their plan; a wrong password, none, or an unknown charger are refused with 401;
 * - auto-registration (profile 1): an unknown charger is admitted and recorded with its first password
 *   (trust on first use), shows in GET /v1/chargers, and once an admin lists it on a site its sessions
 *   are planned;
 * - profile 2: wss:// with a self-signed certificate made by openssl in a temp dir;
 * - distributed (REDIS_URL): an API process sets the password, a separate gateway process (sharing only
 *   Redis) admits the charger with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../ocpp/self-signed-cert.ts';
import { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../adapters/config.ts';
import { strictValidators } from '../../../adapters/ocpp/schema-validators.ts';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { randomVehicle } from '../../../adapters/ocpp/sim/sim-fleet.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { MemoryChargerCredentials } from '../../../adapters/store/memory-charger-credentials.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { hangGuardFloorMs } from '../../hang-guard.ts';
import { api, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';

const baseEnv = { PORT: '0', OCPP_PORT: '0', DEMO: 'false', API_TOKENS: apiTokens, REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1' };
const passwords = { 'SIM-0001': 'sim-0001-password-ok', 'SIM-0002': 'sim-0002-password-ok' } as const;

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const c of opened.splice(0).reverse()) await c.close().catch(() => undefined);
});

/** A bare OCPP client that does not reconnect (to see the handshake's answer). */
function rawClient(url: string, identity: string, extra: Record<string, unknown> = {}): RPCClient {
  const client = new RPCClient({ endpoint: url, identity, protocols: ['ocpp2.0.1'], reconnect: false, strictMode: true, strictModeValidators: strictValidators(), ...extra } as never);
  opened.push({ close: () => client.close({ force: true }) });
  return client;
}

function simCharger(url: string, id: string, extra: { password?: string; ca?: string } = {}): SimCharger {
  const charger = new SimCharger({ url, id, version: '2.0.1', reconnect: false, callTimeoutMs: hangGuardFloorMs, ...extra });
  opened.push(charger);
  return charger;
}

async function embedded(env: Record<string, string>): Promise<{ service: Service; base: string }> {
  const service = await createService(loadConfig({ ...baseEnv, ...env }), { defaultMetrics: false, chargerCredentials: new MemoryChargerCredentials({ hashCost: 1024 }) });
  await service.start();
  const base = await service.listen();
  return { service, base };
}

async function seedSite(base: string, id: string, chargers: number): Promise<void> {
  expect((await api(base, 'POST', '/v1/sites', simSite(id, chargers))).status).toBe(201);
  expect((await api(base, 'POST', `/v1/sites/${id}/signals/import-price`, pricesFromNow(Date.now()))).status).toBe(200);
}

describe('embedded service, OCPP security profile 1 (HTTP Basic per charger)', () => {
  let service: Service;
  let base: string;

  beforeAll(async () => {
    ({ service, base } = await embedded({ OCPP_SECURITY_PROFILE: '1', OCPP_CREDENTIAL_CHECK_MS: '1000' }));
    await seedSite(base, 'depot-sec', 2);
    for (const [id, password] of Object.entries(passwords)) {
      expect((await api(base, 'PUT', `/v1/chargers/${id}/credentials`, { password })).status).toBe(201);
    }
  });
  afterAll(() => service?.close());

  it('chargers with the password the admin set connect, their sessions are planned and they get profiles', async () => {
    expect(service.ocpp!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const chargers = Object.entries(passwords).map(([id, password]) => simCharger(service.ocpp!.url, id, { password }));
    for (const c of chargers) await c.start();
    for (const c of chargers) await c.plugIn(randomVehicle(`EV-${c.id}`, Date.now(), () => 0.5));
    await waitFor('two OCPP sessions', async () => (await api(base, 'GET', '/v1/sites/depot-sec/sessions')).body.sessions?.length === 2, 20_000);
    for (const c of chargers) {
      await waitFor(`${c.id} accepts a profile`, () => c.received.some((r) => r.action === 'SetChargingProfile' && r.reply.status === 'Accepted'), 30_000);
    }
    const listed = (await api(base, 'GET', '/v1/chargers')).body.chargers;
    expect(listed).toEqual([
      expect.objectContaining({ chargePointId: 'SIM-0001', siteId: 'depot-sec', hasCredentials: true, source: 'api', connected: true }),
      expect.objectContaining({ chargePointId: 'SIM-0002', siteId: 'depot-sec', hasCredentials: true, source: 'api', connected: true }),
    ]);
  });

  it('a wrong password, no password, an unknown charger and a charger whose credentials were deleted get 401', async () => {
    const url = service.ocpp!.url;
    await expect(rawClient(url, 'SIM-0001', { password: 'wrong-password-00001' }).connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(url, 'SIM-0001').connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(url, 'NOBODY-1', { password: 'some-password-000001' }).connect()).rejects.toMatchObject({ code: 401 });
    expect((await api(base, 'GET', '/v1/chargers/NOBODY-1')).status).toBe(404);
    expect((await api(base, 'DELETE', '/v1/chargers/SIM-0002/credentials')).status).toBe(204);
    await expect(rawClient(url, 'SIM-0002', { password: passwords['SIM-0002'] }).connect()).rejects.toMatchObject({ code: 401 });
    const refused = await service.ctx.metrics.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total');
    expect(refused).toContain('reason="password"} 1');
    expect(refused).toContain('reason="no-password"} 1');
    expect(refused).toContain('reason="unknown"} 2');
  });

  it('a connected charger whose password changes is disconnected and must come back with the new one', async () => {
    const url = service.ocpp!.url;
    const client = rawClient(url, 'SIM-0001', { password: passwords['SIM-0001'] });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => client.once('close', (e: { code: number; reason: Buffer | string }) => resolve({ code: e.code, reason: String(e.reason) })));
    await client.connect();
    await waitFor('SIM-0001 connected', async () => (await api(base, 'GET', '/v1/chargers/SIM-0001')).body.connected === true, 5_000);
    expect((await api(base, 'PUT', '/v1/chargers/SIM-0001/credentials', { password: 'sim-0001-password-new' })).status).toBe(200);
    expect(await closed).toEqual({ code: 1008, reason: 'credentials changed' });
    await waitFor('SIM-0001 reported disconnected', async () => (await api(base, 'GET', '/v1/chargers/SIM-0001')).body.connected === false, 5_000);
    await expect(rawClient(url, 'SIM-0001', { password: passwords['SIM-0001'] }).connect()).rejects.toMatchObject({ code: 401 });
    await rawClient(url, 'SIM-0001', { password: 'sim-0001-password-new' }).connect();
  });

  it('repeated wrong passwords for one charger are throttled: 429 before any password is checked, then admitted again', async () => {
    const url = service.ocpp!.url;
    expect((await api(base, 'POST', '/v1/sites', { ...simSite('depot-sec-3', 0), chargers: [{ id: 'SIM-0003', maxPowerKw: 11 }] })).status).toBe(201);
    expect((await api(base, 'PUT', '/v1/chargers/SIM-0003/credentials', { password: 'sim-0003-password-ok' })).status).toBe(201);
    // five free failures, the sixth starts a 1 s block
    for (let i = 0; i < 6; i++) await expect(rawClient(url, 'SIM-0003', { password: `wrong-password-0000${i}` }).connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(url, 'SIM-0003', { password: 'sim-0003-password-ok' }).connect()).rejects.toMatchObject({ code: 429 });
    expect(await service.ctx.metrics.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total')).toContain('reason="throttled"} 1');
    // once the block is over, the right password is checked again and admits it
    await waitFor('SIM-0003 admitted after the block', async () => {
      try {
        await rawClient(url, 'SIM-0003', { password: 'sim-0003-password-ok' }).connect();
        return true;
      } catch (error) {
        expect(error).toMatchObject({ code: 429 });
        return false;
      }
    }, 60_000, 250);
  });

  it('a charger no site lists is refused even with credentials (auto-registration off), and admitted as soon as a site lists it', async () => {
    const url = service.ocpp!.url;
    expect((await api(base, 'PUT', '/v1/chargers/LONER-1/credentials', { password: 'loner-1-password-ok' })).status).toBe(201);
    await expect(rawClient(url, 'LONER-1', { password: 'loner-1-password-ok' }).connect()).rejects.toMatchObject({ code: 401 });
    expect(await service.ctx.metrics.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total')).toContain('reason="unknown"} 3');
    const site = simSite('depot-loner', 0);
    expect((await api(base, 'POST', '/v1/sites', { ...site, chargers: [{ id: 'LONER-1', maxPowerKw: 11 }] })).status).toBe(201);
    // At once: the site change makes the gateway forget its charge point index (gateway.ts). Without that, the
    // refusal above had just rebuilt it, and a miss rebuilds it at most once a second: this connect was refused
    // as unknown (and on a loaded machine the throttling test before this one saw the same: one refusal too many).
    await rawClient(url, 'LONER-1', { password: 'loner-1-password-ok' }).connect();
    expect(await service.ctx.metrics.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total')).toContain('reason="unknown"} 3');
  });
});

describe('embedded service, auto-registration with security profile 1 (trust on first use)', () => {
  let service: Service;
  let base: string;

  beforeAll(async () => {
    ({ service, base } = await embedded({ OCPP_SECURITY_PROFILE: '1', OCPP_AUTO_REGISTER: 'true' }));
  });
  afterAll(() => service?.close());

  it('admits an unknown charger and records it; a second password is refused; listed on a site, its session is planned', async () => {
    const url = service.ocpp!.url;
    const charger = simCharger(url, 'SIM-0001', { password: 'first-use-password-1' });
    await charger.start();
    const recorded = (await api(base, 'GET', '/v1/chargers/SIM-0001')).body;
    expect(recorded).toMatchObject({ chargePointId: 'SIM-0001', hasCredentials: true, source: 'auto-registered', siteChargerIds: [], connected: true });
    expect(recorded.siteId).toBeUndefined();
    expect(await service.ctx.chargerCredentials.verifyPassword('SIM-0001', 'first-use-password-1')).toBe(true);
    await expect(rawClient(url, 'SIM-0001', { password: 'other-password-00002' }).connect()).rejects.toMatchObject({ code: 401 });

    // No site lists it: its transaction is dropped. The admin lists it on a site: the next one is planned.
    // plugIn resolves once the gateway answered the transaction, and it answers after handing the session to the
    // service (charger-connection.ts awaits sessionStarted): the drop has happened, no sleep needed.
    await charger.plugIn(randomVehicle('EV-1', Date.now(), () => 0.5));
    await seedSite(base, 'depot-auto', 1);
    expect((await api(base, 'GET', '/v1/sites/depot-auto/sessions')).body.sessions).toEqual([]);
    await charger.unplug(1);
    // The gateway's charger directory looks again for an unknown charge point at most once a second.
    await waitFor('the gateway sees the site', async () => Object.keys(await service.gateway!.bridge.chargerSettings('SIM-0001')).length > 0, 5_000);
    await charger.plugIn(randomVehicle('EV-2', Date.now(), () => 0.5));
    await waitFor('the session of the auto-registered charger', async () => (await api(base, 'GET', '/v1/sites/depot-auto/sessions')).body.sessions?.length === 1, 20_000);
    await waitFor('a profile for it', () => charger.received.some((r) => r.action === 'SetChargingProfile' && r.reply.status === 'Accepted'), 30_000);
    expect((await api(base, 'GET', '/v1/chargers/SIM-0001')).body).toMatchObject({ siteId: 'depot-auto', source: 'auto-registered' });
  });
});

describe('embedded service, OCPP security profile 2 (HTTP Basic over TLS, self-signed certificate)', () => {
  let dir: string;
  let cert: string;
  let service: Service;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'v2g-gateway-tls-'));
    // openssl is required (no skip): the test fails here, saying so, when it is missing.
    ({ cert } = selfSignedCertificate(dir));
    ({ service, base } = await embedded({ OCPP_SECURITY_PROFILE: '2', OCPP_TLS_CERT_FILE: join(dir, 'cert.pem'), OCPP_TLS_KEY_FILE: join(dir, 'key.pem') }));
    await seedSite(base, 'depot-tls', 1);
    expect((await api(base, 'PUT', '/v1/chargers/SIM-0001/credentials', { password: passwords['SIM-0001'] })).status).toBe(201);
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves wss://; a charger trusting the certificate connects with its password; no trust or a wrong password cannot', async () => {
    const url = service.ocpp!.url;
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const charger = simCharger(url, 'SIM-0001', { password: passwords['SIM-0001'], ca: cert });
    await charger.start();
    await waitFor('SIM-0001 connected', () => service.ocpp!.connectedChargers().includes('SIM-0001'), 5_000);
    await expect(rawClient(url, 'SIM-0001', { password: passwords['SIM-0001'] }).connect()).rejects.toThrow(/self-signed|certificate/i);
    await expect(rawClient(url, 'SIM-0001', { password: 'wrong-password-00001', wsOpts: { ca: cert } }).connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(url.replace('wss:', 'ws:'), 'SIM-0001', { password: passwords['SIM-0001'] }).connect()).rejects.toThrow();
  });
});

describeWithRedis('distributed: API and gateway processes share the charger credentials on Redis', () => {
  const prefix = randomPrefix();
  const env = { ...baseEnv, REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, OCPP_SECURITY_PROFILE: '1', HOST: '127.0.0.1' };
  let apiService: Service;
  let gatewayService: Service;
  let base: string;

  beforeAll(async () => {
    apiService = await createService(loadConfig(env), { defaultMetrics: false, roles: ['api'], processName: 'v2g-test-api' });
    gatewayService = await createService(loadConfig({ ...env, PORT: '0' }), { defaultMetrics: false, roles: ['gateway'], processName: 'v2g-test-gateway' });
    await apiService.start();
    await gatewayService.start();
    base = await apiService.listen();
    await gatewayService.listen();
  });
  afterAll(async () => {
    await gatewayService?.close();
    await apiService?.close();
    const admin = await testClient('producer', 'v2g-test-cleanup');
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  });

  it('a password set through the API process admits the charger at the gateway process; a wrong one is 401', async () => {
    await seedSite(base, 'depot-redis', 1);
    expect((await api(base, 'PUT', '/v1/chargers/SIM-0001/credentials', { password: passwords['SIM-0001'] })).status).toBe(201);
    const url = gatewayService.ocpp!.url;
    await expect(rawClient(url, 'SIM-0001', { password: 'wrong-password-00001' }).connect()).rejects.toMatchObject({ code: 401 });
    const charger = simCharger(url, 'SIM-0001', { password: passwords['SIM-0001'] });
    await charger.start();
    await charger.plugIn(randomVehicle('EV-1', Date.now(), () => 0.5));
    await waitFor('the session reaches the store through the gateway', async () => (await api(base, 'GET', '/v1/sites/depot-redis/sessions')).body.sessions?.length === 1, 20_000);
    // The API process holds no OCPP connections, but the gateway reports them through Redis.
    const listed = (await api(base, 'GET', '/v1/chargers/SIM-0001')).body;
    expect(listed).toMatchObject({ chargePointId: 'SIM-0001', siteId: 'depot-redis', hasCredentials: true, source: 'api', connected: true });
    expect(Date.parse(listed.linkSince)).toBeGreaterThan(0);
    const delivery = (await api(base, 'GET', '/v1/sites/depot-redis/delivery')).body;
    expect(delivery.chargers[0]).toMatchObject({ chargePointId: 'SIM-0001', link: { connected: true } });
    expect(delivery.chargers[0].link.gateway).toMatch(/:\d+$/);
  });

  it('a charger no site lists, with credentials set through the API process, is refused at the gateway process', async () => {
    expect((await api(base, 'PUT', '/v1/chargers/LONER-2/credentials', { password: 'loner-2-password-ok' })).status).toBe(201);
    await expect(rawClient(gatewayService.ocpp!.url, 'LONER-2', { password: 'loner-2-password-ok' }).connect()).rejects.toMatchObject({ code: 401 });
    expect(await gatewayService.ctx.metrics.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total')).toContain('reason="unknown"} 1');
  });
});
