/**
 * After a gateway process crash (SIGKILL) on Redis, its chargers get a plan again (issue 11, item 6): the
 * restarted gateway (same OCPP port) discovers each reconnected charger, asks it for its running
 * transactions (TriggerMessage) and places a 2.0.1 TransactionEvent without evse through the sessions in
 * Redis, so a 5 kW import-limit dispatch made after the restart reaches the 2.0.1 charger (and the 1.6 one)
 * as a new profile for its running transaction. Real processes (`v2g api`, `v2g worker`, `v2g gateway`)
 * on the real Redis, simulated chargers that reconnect by themselves.
 */
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { RoleProcess, killAll } from '../role-processes.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { api, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const profilesFor = (cp: SimCharger, txId: string) =>
  cp.received.filter((r) => r.action === 'SetChargingProfile' && String(((r.params as any).csChargingProfiles ?? (r.params as any).chargingProfile).transactionId) === txId);

describeWithRedis('a crashed gateway: after the restart its chargers follow the plan again', () => {
  const prefix = randomPrefix();
  let env: Record<string, string>;
  let admin: Redis;
  const processes: RoleProcess[] = [];
  const chargers: SimCharger[] = [];
  let base: string;

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-gateway-crash-replan');
    env = {
      REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, API_TOKENS: apiTokens, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0',
      OCPP_PORT: String(await freePort()), OCPP_GATEWAY_BEAT_MS: '1000', REPLAN_DEBOUNCE_MS: '50', REPLAN_MAX_WAIT_MS: '300', SOLVER_POOL_SIZE: '1',
      REDIS_COMMAND_TIMEOUT_MS: '60000',
    };
    processes.push(new RoleProcess('api', 'api', env), new RoleProcess('worker', 'worker', env), new RoleProcess('gateway', 'gateway', env));
    base = await processes[0]!.listening();
    await Promise.all(processes.slice(1).map((p) => p.listening()));
  }, 600_000);

  afterAll(async () => {
    for (const c of chargers) await c.close().catch(() => undefined);
    await killAll(processes);
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  }, 60_000);

  it('a 5 kW import-limit dispatch after the restart reaches the 2.0.1 and 1.6 chargers\' running transactions', async () => {
    expect((await api(base, 'POST', '/v1/sites', simSite('crash', 2))).status).toBe(201);
    expect((await api(base, 'POST', '/v1/sites/crash/signals/import-price', pricesFromNow(Date.now()))).status).toBe(200);
    const url = processes[2]!.ocppUrl();
    const vehicle = (id: string) => ({ id, capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 55, maxChargeKw: 11, maxDischargeKw: 0, departureUtcMs: Date.now() + 6 * 3_600_000, reserveKwh: 10 });
    const txIds: string[] = [];
    for (const [id, version] of [['SIM-0001', '2.0.1'], ['SIM-0002', '1.6']] as [string, OcppVersion][]) {
      const cp = new SimCharger({ url, id, version, reconnect: true });
      chargers.push(cp);
      await cp.start();
      txIds.push(await cp.plugIn(vehicle(`EV-${id}`)));
    }
    const delivery = async () => (await api(base, 'GET', '/v1/sites/crash/delivery')).body;
    const allApplied = async () => {
      const d = await delivery();
      return d.chargers?.length === 2 && d.chargers.every((c: any) => c.delivery?.status === 'applied' && c.delivery.current === true) ? d : undefined;
    };
    await waitFor('both chargers hold their plan', allApplied, 60_000);

    const gateway = processes[2]!;
    gateway.kill('SIGKILL');
    expect(await gateway.exit).toBe(-1);
    const sentBefore = chargers.map((cp, i) => profilesFor(cp, txIds[i]!).length);
    const restarted = new RoleProcess('gateway-2', 'gateway', env);
    processes.push(restarted);
    await restarted.listening();
    expect(restarted.ocppUrl()).toBe(url);
    for (const cp of chargers) await waitFor(`${cp.id} asked for its transactions`, () => cp.received.some((r) => r.action === 'TriggerMessage'), 60_000);

    const start = Date.now();
    const dispatch = { kind: 'import-limit', powerKw: 5, start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString() };
    expect((await api(base, 'POST', '/v1/sites/crash/dispatches', dispatch)).status).toBe(201);
    const after = await waitFor('a plan made after the dispatch, applied on both chargers', async () => {
      const plan = (await api(base, 'GET', '/v1/sites/crash/plan')).body;
      if (!(Date.parse(plan?.createdAt ?? '') >= start)) return undefined;
      return allApplied();
    }, 90_000);
    for (const c of after.chargers) expect(c.link).toMatchObject({ connected: true });
    chargers.forEach((cp, i) => expect(profilesFor(cp, txIds[i]!).length).toBeGreaterThan(sentBefore[i]!));
    // the 2.0.1 charger's new profile keeps the two chargers within 5 kW now (the dispatch)
    const limitW = (cp: SimCharger, txId: string) => {
      const p = profilesFor(cp, txId).at(-1)!.params as any;
      const schedule = p.csChargingProfiles ? p.csChargingProfiles.chargingSchedule : p.chargingProfile.chargingSchedule[0];
      const first = schedule.chargingSchedulePeriod[0];
      return schedule.chargingRateUnit === 'A' ? first.limit * 230 * (first.numberPhases ?? 3) : first.limit;
    };
    expect(limitW(chargers[0]!, txIds[0]!) + limitW(chargers[1]!, txIds[1]!)).toBeLessThanOrEqual(5_000);
  }, 300_000);
});
