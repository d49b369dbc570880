/**
 * A gateway process that crashes (SIGKILL) cannot write its chargers' disconnections. With gateway beats
 * (adapters/service/gateway-liveness.ts) the API, another process, shows them as not connected once the
 * gateway has missed 3 beats, with the reason. Real processes on the real Redis: `v2g api` and
 * `v2g gateway` (OCPP_GATEWAY_BEAT_MS=1000: a link is stale after 3 s without a beat, far more than a loaded
 * machine delays a timer), one simulated 2.0.1 charger.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { RoleProcess, killAll } from '../role-processes.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { api, apiTokens, simSite, waitFor } from './service-process-kit.ts';

describeWithRedis('a crashed gateway: its chargers read as not connected after 3 missed beats', () => {
  const prefix = randomPrefix();
  const env = {
    REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, API_TOKENS: apiTokens, LOG_LEVEL: 'info',
    HOST: '127.0.0.1', PORT: '0', OCPP_PORT: '0', OCPP_GATEWAY_BEAT_MS: '1000',
    // see scale-out.test.ts: no spurious command timeouts when a loaded machine stalls a process
    REDIS_COMMAND_TIMEOUT_MS: '60000',
  };
  let admin: Redis;
  let apiProcess: RoleProcess;
  let gateway: RoleProcess;
  let base: string;
  let charger: SimCharger | undefined;

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-gateway-crash');
    apiProcess = new RoleProcess('api', 'api', env);
    gateway = new RoleProcess('gateway', 'gateway', env);
    base = await apiProcess.listening();
    await gateway.listening();
  }, 600_000);

  afterAll(async () => {
    await charger?.close().catch(() => undefined);
    await killAll([apiProcess, gateway].filter((p) => p !== undefined));
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  }, 60_000);

  it('connected while the gateway beats; not connected, with the reason, once it is killed', async () => {
    expect((await api(base, 'POST', '/v1/sites', simSite('depot', 1))).status).toBe(201);
    charger = new SimCharger({ url: gateway.ocppUrl(), id: 'SIM-0001', version: '2.0.1', reconnect: false });
    await charger.start();
    const link = async () => (await api(base, 'GET', '/v1/sites/depot/delivery')).body.chargers[0]?.link;
    await waitFor('the charger connected on the board', async () => (await link())?.connected === true, 30_000, 100);
    // still connected past 3 beats while the gateway lives: counted in beats written to Redis, not in wall time
    const beats = new Set<string>();
    await waitFor('4 more gateway beats', async () => {
      for (const at of Object.values(await admin.hgetall(`${prefix}:gateway-beats`))) beats.add(at);
      return beats.size >= 5;
    }, 90_000, 100);
    expect(await link()).toMatchObject({ connected: true, version: 'ocpp2.0.1' });

    gateway.kill('SIGKILL');
    expect(await gateway.exit).toBe(-1);
    const stale = await waitFor('the link to read as not connected', async () => {
      const l = await link();
      return l?.connected === false ? l : undefined;
    }, 90_000, 100);
    expect(stale.reason).toMatch(/^gateway .+:\d+ silent since .+: connection state unknown until the charger reconnects$/);
    const listed = (await api(base, 'GET', '/v1/chargers')).body.chargers.find((c: { chargePointId: string }) => c.chargePointId === 'SIM-0001');
    expect(listed).toMatchObject({ connected: false });
  }, 120_000);
});
